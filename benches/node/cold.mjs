// One cold invocation, as the Rust binary's local mode does it: read the event file, answer it
// with the client context, print the answer.
import { readFileSync } from 'node:fs';
import { invoke } from './handler.mjs';

const [eventFile, contextFile, decision] = process.argv.slice(2);
const header = JSON.stringify({ custom: { netlify: readFileSync(contextFile, 'utf-8') } });
console.log(invoke(readFileSync(eventFile, 'utf-8'), header, decision));
