// Glacier's JSON errors: {"code","message","type"} with the status the service uses (§1.4).

export class GlacierError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GlacierError';
  }
}

export const invalidParameter = (message: string) => new GlacierError(400, 'InvalidParameterValueException', message);
export const missingParameter = (name: string) => new GlacierError(400, 'MissingParameterValueException', `Required parameter missing: ${name}`);
export const notFound = (message: string) => new GlacierError(404, 'ResourceNotFoundException', message);
export const serviceUnavailable = (message = 'Service is unavailable. Try again later.') =>
  new GlacierError(500, 'ServiceUnavailableException', message);
