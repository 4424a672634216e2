// The floor's virtual modules (gateway/src/floor/app.ts): shipped GeoJSON and saved operations, bundled by esbuild.
declare module 'floor:governorates' {
  const collection: {
    type: 'FeatureCollection';
    features: { type: 'Feature'; properties: { pcode: string; name: string }; geometry: { type: string; coordinates: unknown } }[];
  };
  export default collection;
}
declare module 'floor:yellow-line' {
  const collection: {
    type: 'FeatureCollection';
    features: { type: 'Feature'; properties: { id: string; description: string; source: string }; geometry: { type: 'LineString'; coordinates: number[][] } }[];
  };
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
