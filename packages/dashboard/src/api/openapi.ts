import { z } from 'zod';
import type { Route } from './routes';
import { apiRegistry } from './schemas';

const REF = (id: string) => `#/components/schemas/${id}`;

/** Builds the OpenAPI 3.0 document from the route table and the schema registry, so it cannot drift from what is served. */
export function openApiDocument(routes: readonly Route[], version: string, hasApiKey: boolean): Record<string, unknown> {
  const generated = z.toJSONSchema(apiRegistry, { target: 'openapi-3.0', uri: REF, unrepresentable: 'any' }).schemas;
  // OpenAPI 3.0 schema objects have no $id: the component's key names it.
  const schemas = Object.fromEntries(Object.entries(generated).map(([id, { $id: _id, ...schema }]) => [id, schema]));
  const refTo = (schema: z.ZodType) => {
    const id = apiRegistry.get(schema)?.id;
    return id ? { $ref: REF(id) } : z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any' });
  };
  const error = { description: 'Error', content: { 'application/json': { schema: { $ref: REF('Error') } } } };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const query = z.toJSONSchema(r.query, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
    const responses: Record<string, unknown> = {
      200: { description: r.summary, content: { 'application/json': { schema: refTo(r.response) } } },
    };
    if (!r.ignoresQuery) responses[400] = { ...error, description: 'Bad query parameter' };
    if (hasApiKey && !r.isPublic) responses[401] = { ...error, description: 'Missing or wrong x-api-key' };
    for (const status of r.errors ?? []) responses[status] = error;
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      parameters: [...pathParams, ...queryParams],
      responses,
      ...(hasApiKey && !r.isPublic ? { security: [{ apiKey: [] }] } : {}),
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'perfkit dashboard API', version, description: 'Windowed operation figures, host resources, analysis and health of a perfkit-instrumented service.' },
    paths,
    components: { schemas, securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
  };
}
