// The equivalent JavaScript identity function, as the seed docs write it: decode the client
// context, parse the body, spread the metadata, stringify.
export function handler(event, context, decision) {
  const { identity, user: claims } = JSON.parse(
    Buffer.from(context.clientContext.custom.netlify, 'base64').toString('utf-8'),
  );
  void identity;
  void claims;
  const { user } = JSON.parse(event.body);
  if (decision === 'allow') {
    return { statusCode: 204, headers: {}, multiValueHeaders: {}, body: '', isBase64Encoded: false };
  }
  if (decision === 'deny' || decision === 'deny-logged') {
    // The framework writes this line for every denial (GoTrue shows the user its own 422, so
    // the function's log is the one record of why); `deny-logged` does the same work in node.
    if (decision === 'deny-logged') console.error(' INFO invocation{requestId=bench function=identity-login event=login}: denied (403): logins are closed');
    return {
      statusCode: 403,
      headers: { 'content-type': 'application/json' },
      multiValueHeaders: {},
      body: JSON.stringify({ error: 'denied', message: 'logins are closed' }),
      isBase64Encoded: false,
    };
  }
  if (decision === 'roles') {
    // `examples/signup_roles.rs`: every user a member, staff domains also editor.
    const staff = ['netlify.com', 'trust-this-company.com'];
    const domain = user.email.split('@').pop().toLowerCase();
    const roles = [...(user.app_metadata.roles || [])];
    for (const role of staff.includes(domain) ? ['member', 'editor'] : ['member']) {
      if (!roles.includes(role)) roles.push(role);
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      multiValueHeaders: {},
      body: JSON.stringify({ app_metadata: { ...user.app_metadata, roles } }),
      isBase64Encoded: false,
    };
  }
  const roles = user.app_metadata.roles || [];
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    body: JSON.stringify({
      app_metadata: { ...user.app_metadata, roles: roles.includes('member') ? roles : [...roles, 'member'] },
    }),
    isBase64Encoded: false,
  };
}

// The whole in-process path as Node's Lambda runtime runs it: the event's JSON text in, the
// answer's JSON text out.
export function invoke(eventText, contextHeader, decision) {
  const event = JSON.parse(eventText);
  const context = { clientContext: JSON.parse(contextHeader) };
  return JSON.stringify(handler(event, context, decision));
}
