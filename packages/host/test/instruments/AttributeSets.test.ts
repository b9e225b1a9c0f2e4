import { AttributeSets } from '../../src/instruments/AttributeSets';

function setup() {
  let made = 0;
  const sets = new AttributeSets((device: string) => {
    made++;
    return { device: { 'system.device': device } };
  });
  return { sets, made: () => made };
}

describe('AttributeSets', () => {
  it('hands back the same object for a series on every collection, made once', () => {
    const { sets, made } = setup();
    const first = sets.get('sda', 'sda');
    sets.turn();
    const again = sets.get('sda', 'sda');
    expect(again).toBe(first);
    expect(sets.get('sda', 'sda')).toBe(first);
    expect(first).toEqual({ device: { 'system.device': 'sda' } });
    expect(made()).toBe(1);
  });

  it('forgets a series absent from a whole collection (an interface that went away)', () => {
    const { sets, made } = setup();
    const veth = sets.get('veth0', 'veth0');
    sets.turn();
    sets.get('eth0', 'eth0');
    sets.turn();
    expect(sets.get('veth0', 'veth0')).not.toBe(veth);
    expect(made()).toBe(3);
  });

  it('keeps nothing when collections stop using it (no growth with churning names)', () => {
    const { sets, made } = setup();
    for (let i = 0; i < 10_000; i++) {
      sets.get(`veth${i}`, `veth${i}`);
      sets.turn();
    }
    sets.turn();
    sets.turn();
    expect(made()).toBe(10_000);
    expect((sets as unknown as { current: Map<string, unknown>; previous: Map<string, unknown> }).previous.size).toBe(0);
  });
});
