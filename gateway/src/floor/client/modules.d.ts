// The floor's virtual modules (gateway/src/floor/app.ts): shipped GeoJSON and saved operations, bundled by esbuild.
declare module 'floor:governorates' {
  const collection: import('geojson').FeatureCollection<import('geojson').Polygon | import('geojson').MultiPolygon, { pcode: string; name: string }>;
  export default collection;
}
declare module 'floor:yellow-line' {
  const collection: import('geojson').FeatureCollection<import('geojson').LineString, { id: string; description: string; source: string }>;
  export default collection;
}
declare module 'floor:FloorOverview' {
  const text: string;
  export default text;
}
declare module 'floor:CrossingPipeline' {
  const text: string;
  export default text;
}
declare module 'floor:FloorMap' {
  const text: string;
  export default text;
}
