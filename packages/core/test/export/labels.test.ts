import { LabelCache, attributeLabels, constLabelsOf } from '../../src/export/labels';

function setup() {
  return { cache: new LabelCache(constLabelsOf({ 'service.name': 'svc' })) };
}

describe('attributeLabels', () => {
  it('sanitizes keys, joins colliding keys with ; in key order, escapes values and prefixes reserved names', () => {
    expect(attributeLabels({ 'a.b': '1', a_b: '2', __name__: 'n', le: 'x"y', quantile: 'q' })).toBe('a_b="1;2",_name__="n",_le="x\\"y",_quantile="q"');
  });
});

describe('LabelCache', () => {
  it('writes the constant labels first and lets a series own value win over a constant label of the same name', () => {
    const { cache } = setup();
    expect(cache.labels({ state: 'used' }, 'i')).toBe('service_name="svc",state="used"');
    expect(cache.labels({ state: 'free', 'service.name': 'other' }, 'i')).toBe('state="free",service_name="other"');
    expect(cache.labels({}, 'i')).toBe('service_name="svc"');
  });

  it('gives the same text for the same object on every call', () => {
    const { cache } = setup();
    const attributes = { 'hw.id': 'gpu-0' };
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",hw_id="gpu-0"');
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",hw_id="gpu-0"');
  });

  it('writes the new values when a reused object was changed, got a key more or lost one', () => {
    const { cache } = setup();
    const attributes: Record<string, string | number> = { device: 'sda' };
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",device="sda"');
    attributes.device = 'sdb';
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",device="sdb"');
    attributes.direction = 'read';
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",device="sdb",direction="read"');
    delete attributes.device;
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",direction="read"');
    attributes.n = NaN;
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",direction="read",n="NaN"');
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",direction="read",n="NaN"');
  });

  it('writes an array value as it is now, even when its items changed in place', () => {
    const { cache } = setup();
    const list = ['a'];
    const attributes = { list };
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",list="[\\"a\\"]"');
    list.push('b');
    expect(cache.labels(attributes, 'i')).toBe('service_name="svc",list="[\\"a\\",\\"b\\"]"');
  });

  it('writes `le` and `quantile` as `_le` and `_quantile` on every kind of series, and reports them once per made text', () => {
    const notices: Array<[string, readonly string[]]> = [];
    const cache = new LabelCache(constLabelsOf({ 'service.name': 'svc' }, (instrument, keys) => notices.push([instrument, keys])));
    const attributes = { le: '1', quantile: '0.5', route: '/' };
    expect(cache.labels(attributes, 'app.requests')).toBe('service_name="svc",_le="1",_quantile="0.5",route="/"');
    expect(cache.labels(attributes, 'app.requests')).toBe('service_name="svc",_le="1",_quantile="0.5",route="/"');
    expect(notices).toEqual([['app.requests', ['le', 'quantile']]]);
  });
});
