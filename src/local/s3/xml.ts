// Just enough XML for S3: escaping for the documents gl-local writes, and a strict little parser for
// the two request bodies it reads (CreateBucketConfiguration, Delete). No DTDs, so no entity games.

import { malformedXml } from './errors.js';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Escapes text for element content; characters XML 1.0 cannot carry literally become references. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
    }
  });
}

/** `<name>text</name>`, escaped. */
export function element(name: string, text: string | number | boolean): string {
  return `<${name}>${escapeXml(String(text))}</${name}>`;
}

export interface XmlElement {
  /** Local name, namespace prefix removed. */
  name: string;
  children: XmlElement[];
  /** The element's own character data, entities resolved. */
  text: string;
}

export class XmlSyntaxError extends Error {}

const NAME = /[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?/y;
const MAX_DEPTH = 16;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses one XML document into its root element; throws XmlSyntaxError on anything malformed. */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new XmlSyntaxError(`${why} at offset ${at}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (at < source.length && ' \t\r\n'.includes(source[at]!)) at++;
      if (source.startsWith('<?', at)) {
        const end = source.indexOf('?>', at);
        if (end < 0) fail('unterminated processing instruction');
        at = end + 2;
      } else if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at + 4);
        if (end < 0) fail('unterminated comment');
        at = end + 3;
      } else return;
    }
  };
  const readName = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(source);
    if (!match) return fail('expected a name');
    at += match[0].length;
    return match[0];
  };
  const decodeText = (raw: string): string =>
    raw.replace(/&([^;&<]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) return fail('bare & in text');
      if (ref in PREDEFINED) return PREDEFINED[ref]!;
      const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
      if (!(code >= 0 && code <= 0x10ffff)) return fail(`unknown entity ${whole}`);
      return String.fromCodePoint(code);
    });
  const readElement = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail('elements nested too deeply');
    if (source[at] !== '<') fail('expected an element');
    at++;
    const qualified = readName();
    for (;;) {
      while (' \t\r\n'.includes(source[at] ?? '')) at++;
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name: localName(qualified), children: [], text: '' };
      }
      if (source[at] === '>') {
        at++;
        break;
      }
      readName();
      while (' \t\r\n'.includes(source[at] ?? '')) at++;
      if (source[at] !== '=') fail('expected = after an attribute name');
      at++;
      while (' \t\r\n'.includes(source[at] ?? '')) at++;
      const quote = source[at];
      if (quote !== '"' && quote !== "'") return fail('expected a quoted attribute value');
      const end = source.indexOf(quote, at + 1);
      if (end < 0) fail('unterminated attribute value');
      at = end + 1;
    }
    const node: XmlElement = { name: localName(qualified), children: [], text: '' };
    for (;;) {
      if (at >= source.length) fail(`unclosed <${qualified}>`);
      if (source.startsWith('</', at)) {
        at += 2;
        if (readName() !== qualified) fail(`mismatched end tag for <${qualified}>`);
        while (' \t\r\n'.includes(source[at] ?? '')) at++;
        if (source[at] !== '>') fail('expected >');
        at++;
        return node;
      }
      if (source.startsWith('<![CDATA[', at)) {
        const end = source.indexOf(']]>', at);
        if (end < 0) fail('unterminated CDATA');
        node.text += source.slice(at + 9, end);
        at = end + 3;
      } else if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at + 4);
        if (end < 0) fail('unterminated comment');
        at = end + 3;
      } else if (source.startsWith('<!', at) || source.startsWith('<?', at)) {
        fail('declarations are not accepted');
      } else if (source[at] === '<') {
        node.children.push(readElement(depth + 1));
      } else {
        const end = source.indexOf('<', at);
        node.text += decodeText(source.slice(at, end < 0 ? source.length : end));
        at = end < 0 ? source.length : end;
      }
    }
  };
  skipMisc();
  if (source.startsWith('<!', at)) fail('declarations are not accepted');
  const root = readElement(1);
  skipMisc();
  if (at !== source.length) fail('content after the root element');
  return root;
}

/** Parses a request body that must be one `root` element; anything else is S3's MalformedXML. */
export function parseRequestXml(document: string, root: string): XmlElement {
  let element: XmlElement;
  try {
    element = parseXml(document);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedXml();
    throw error;
  }
  if (element.name !== root) throw malformedXml();
  return element;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}
