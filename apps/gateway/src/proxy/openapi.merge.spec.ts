import { mergeOpenApi } from './openapi.merge';

describe('mergeOpenApi', () => {
  const gateway = {
    openapi: '3.0.3',
    paths: {
      '/api/identity/login': { post: { summary: 'Log in' } },
      '/openapi.json': { get: { summary: 'own doc' } },
      '/health/ready': { get: { summary: 'ready' } },
    },
    components: {
      schemas: { Error: { type: 'object' } },
      securitySchemes: { bearer: { type: 'http' } },
    },
    security: [{ bearer: [] }],
  };
  const engagement = {
    paths: {
      '/engagements/{engagementId}': { get: { summary: 'Read', tags: ['engagements'] } },
      '/internal/engagements/{engagementId}/phase': { put: { summary: 'internal' } },
      '/desks': {
        post: { summary: 'Create desk' },
        get: { summary: 'internal list', 'x-internal': true },
      },
      '/openapi.json': { get: { summary: 'doc' } },
    },
    components: { schemas: { Error: { type: 'object' } } },
  };

  it('moves service paths under /api/<context> and leaves internal ones out', () => {
    const merged = mergeOpenApi(
      gateway,
      [
        { context: 'engagement', document: engagement },
        { context: 'risk', document: undefined },
      ],
      { title: 'Trellis API', version: '1' },
    );
    const paths = merged['paths'] as Record<
      string,
      Record<string, { operationId?: string; tags?: string[] }>
    >;
    expect(Object.keys(paths).sort()).toEqual([
      '/api/engagement/desks',
      '/api/engagement/engagements/{engagementId}',
      '/api/identity/login',
    ]);
    expect(Object.keys(paths['/api/engagement/desks'])).toEqual(['post']);
    expect(paths['/api/engagement/engagements/{engagementId}']['get']).toMatchObject({
      tags: ['engagement', 'engagements'],
      operationId: 'engagement.get._engagements_engagementId',
    });
    expect((merged['info'] as { description: string }).description).toContain('risk');
    expect(merged['servers']).toEqual([{ url: '/', description: 'this gateway' }]);
  });
});
