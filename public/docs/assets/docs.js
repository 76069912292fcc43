// @ts-check
// Swagger UI on the gateway's own document, from the locally served bundle.

/** @type {{ SwaggerUIBundle?: (options: Record<string, unknown>) => unknown }} */
const global = /** @type {never} */ (window);
if (global.SwaggerUIBundle === undefined) throw new Error('swagger-ui-bundle.js did not load');
global.SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // The session cookie goes with "Try it out" on its own (same origin); sign in through POST /auth/login.
  withCredentials: true,
  // Swagger UI would otherwise ask a public validator about the document: nothing leaves this origin.
  validatorUrl: null,
});
