// Times the JavaScript handler on the same events as the Rust benchmark, inside node with its
// own high-resolution clock: a warm-up, then samples of many iterations; prints the median
// nanoseconds per invocation of each case as JSON. Usage: bench.mjs <events dir> [case].
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { invoke } from './handler.mjs';

const dir = process.argv[2];
const quick = process.env.QUICK === '1';
const samples = quick ? 20 : 60;
const contextHeader = JSON.stringify({ custom: { netlify: readFileSync(join(dir, 'client-context.txt'), 'utf-8') } });

// Each event with the decision its name starts with; a denial also as `<name>-logged`, writing
// the framework's log line to stderr as the Rust side does.
const cases = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const name = file.replace(/\.json$/, '');
  const decision = name.split('-')[0];
  const eventText = readFileSync(join(dir, file), 'utf-8');
  cases.push({ name, decision, eventText });
  if (decision === 'deny') cases.push({ name: `${name}-logged`, decision: 'deny-logged', eventText });
}

// A case's name as the second argument times that case alone (with its `-logged` variant).
const only = process.argv[3];
const results = {};
for (const { name, decision, eventText } of cases) {
  if (only !== undefined && name !== only && name !== `${only}-logged`) continue;
  // Iterations per sample: enough for about 20 ms.
  let iterations = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) invoke(eventText, contextHeader, decision);
    if (Number(process.hrtime.bigint() - start) > 20e6) break;
    iterations *= 2;
  }
  const times = [];
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) invoke(eventText, contextHeader, decision);
    times.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  times.sort((a, b) => a - b);
  results[name] = { median_ns: times[Math.floor(times.length / 2)], iterations, samples };
}
console.log(JSON.stringify(results, null, 2));
