import { z } from 'zod';
import type { Route } from './routes';
import { errorSchema } from './schemas';

const toSchema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;

/** Builds the OpenAPI 3.0 document from the route table, so the document cannot drift from what is served. */
export function openApiDocument(routes: readonly Route[], version: string, hasApiKey: boolean): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { description: 'Error', content: { 'application/json': { schema: toSchema(errorSchema, 'output') } } };
  for (const r of routes) {
    const query = toSchema(r.query, 'input');
    const props = (query.properties ?? {}) as Record<string, Record<string, unknown>>;
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = Object.entries(props).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
    const responses: Record<string, unknown> = {
      200: { description: r.summary, content: { 'application/json': { schema: toSchema(r.response, 'output') } } },
      400: { ...error, description: 'Bad query parameter' },
    };
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
    components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
  };
}
