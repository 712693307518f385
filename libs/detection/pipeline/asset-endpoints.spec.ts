import { compileOtContext } from '@watchfloor/detection/ot';
import { assets, conduits, zones } from '../ot/__fixtures__/plant';
import { createEndpointResolver } from './asset-endpoints';

describe('createEndpointResolver', () => {
  const compiled = compileOtContext({ zones, conduits, assets });
  if (!compiled.ok) throw new Error(compiled.errors.join('; '));
  const context = compiled.context;

  it('gives the asset and zone at an address, the zone of an asset outside every range, and nulls otherwise', () => {
    const outside = compileOtContext({ zones, conduits, assets: [{ ...assets[0], ip: '192.168.9.9' }] });
    if (!outside.ok) throw new Error(outside.errors.join('; '));
    const resolve = createEndpointResolver(context);
    expect(resolve('10.30.1.11')).toEqual({ assetId: 'a-plc', zoneId: 'z-cell' });
    expect(resolve('10.30.1.99')).toEqual({ assetId: null, zoneId: 'z-cell' });
    expect(resolve('172.16.0.1')).toEqual({ assetId: null, zoneId: null });
    expect(resolve('not an address')).toEqual({ assetId: null, zoneId: null });
    expect(resolve(null)).toEqual({ assetId: null, zoneId: null });
    expect(createEndpointResolver(outside.context)('192.168.9.9')).toEqual({ assetId: 'a-plc', zoneId: 'z-cell' });
    expect(createEndpointResolver(null)('10.30.1.11')).toEqual({ assetId: null, zoneId: null });
  });

  it('looks each distinct address up once per resolver', () => {
    const assetAt = jest.spyOn(context, 'assetAt');
    const zoneOf = jest.spyOn(context, 'zoneOf');
    const resolve = createEndpointResolver(context);
    for (let i = 0; i < 3; i++) for (const ip of ['10.30.1.11', '10.10.7.23', '10.30.1.11']) resolve(ip);
    expect(assetAt).toHaveBeenCalledTimes(2);
    expect(zoneOf).toHaveBeenCalledTimes(2);
    createEndpointResolver(context)('10.30.1.11'); // a new batch asks again
    expect(assetAt).toHaveBeenCalledTimes(3);
    assetAt.mockRestore();
    zoneOf.mockRestore();
  });
});
