// A seeded CSV of sales rows for Select tests: the same seed gives the same bytes. Some names hold
// a comma or quotes, so quoting is exercised on the way in and out.

export const SALES_HEADER = 'id,name,region,amount,price,day';
export const REGIONS = ['EU', 'US', 'APAC', 'LATAM'];

/** A generator of numbers in [0, 1) from a seed (a 32-bit LCG; plenty for test data). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * `rows` data rows under a header. `amountAt` may replace the amount of a row (1-based data row
 * number), to plant a value a CAST cannot take.
 */
export function salesCsv(rows: number, seed: number, amountAt: (row: number) => string | undefined = () => undefined): string {
  const random = seededRandom(seed);
  const lines = [SALES_HEADER];
  for (let row = 1; row <= rows; row++) {
    const n = Math.floor(random() * 1_000_000);
    const name = n % 50 === 0 ? `"Smith, ${n}"` : n % 97 === 0 ? `"say ""${n}"""` : `user${n}`;
    const region = REGIONS[Math.floor(random() * REGIONS.length)];
    const amount = amountAt(row) ?? String(Math.floor(random() * 10_000));
    const price = (random() * 1000).toFixed(2);
    const day = `2024-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    lines.push(`${row},${name},${region},${amount},${price},${day}`);
  }
  return `${lines.join('\n')}\n`;
}
