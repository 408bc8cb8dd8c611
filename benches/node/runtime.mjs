// node's handler (`handler.mjs`) under a minimal Lambda Runtime API loop, as node's own runtime
// runs a function: ask for the next event, call the handler with the parsed event and client
// context, post its answer; one keep-alive connection. Usage: runtime.mjs <decision>.
import http from 'node:http';
import { handler } from './handler.mjs';

const decision = process.argv[2] ?? 'roles';
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf-8') }));
    });
    req.on('error', reject);
    if (body !== undefined) {
      req.setHeader('content-type', 'application/json');
      req.end(body);
    } else {
      req.end();
    }
  });
}

for (;;) {
  const next = await request('GET', '/2018-06-01/runtime/invocation/next');
  const id = next.headers['lambda-runtime-aws-request-id'];
  const clientContext = next.headers['lambda-runtime-client-context'];
  const context = { awsRequestId: id, clientContext: clientContext ? JSON.parse(clientContext) : undefined };
  const answer = handler(JSON.parse(next.body), context, decision);
  await request('POST', `/2018-06-01/runtime/invocation/${id}/response`, JSON.stringify(answer));
}
