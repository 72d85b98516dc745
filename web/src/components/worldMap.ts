// The world map of the "map by country" panels: Natural Earth countries from world-atlas (TopoJSON,
// bundled by Vite), converted to GeoJSON with topojson-client and registered with ECharts once.
// Loaded on first use so pages without a map do not carry it.
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json';
import { countryResolver } from '../lib/countries.js';
import { echarts } from './EChart.js';

let resolver: ((value: string) => string | null) | null = null;

/** Registers the 'world' map (once) and returns the value → feature-name resolver. */
export function worldMap(): (value: string) => string | null {
  if (resolver) return resolver;
  const topo = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const geo = feature(topo, topo.objects.countries);
  echarts.registerMap('world', geo as unknown as Parameters<typeof echarts.registerMap>[1]);
  resolver = countryResolver(geo.features.map((f) => f.properties.name));
  return resolver;
}
