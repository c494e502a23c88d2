import { erasureEventId, uuidV5 } from './erasure.ids';

describe('erasure event ids', () => {
  it('computes RFC 9562 version-5 UUIDs (the RFC test vector)', () => {
    // RFC 9562 appendix A.4: the DNS namespace and "www.example.com".
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives the same id for the same request, service and event, and another otherwise', () => {
    const id = erasureEventId('req-1', 'risk-service', 'identity.organisation.purged@1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(erasureEventId('req-1', 'risk-service', 'identity.organisation.purged@1')).toBe(id);
    expect(erasureEventId('req-2', 'risk-service', 'identity.organisation.purged@1')).not.toBe(id);
    expect(erasureEventId('req-1', 'training-service', 'identity.organisation.purged@1')).not.toBe(
      id,
    );
    expect(erasureEventId('req-1', 'risk-service', 'engagement.organisation.erased@1')).not.toBe(
      id,
    );
  });

  it('rejects a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(TypeError);
  });
});
