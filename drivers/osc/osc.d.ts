// osc.js ships no types; the codec casts the one reader it uses.
declare module 'osc' {
  const osc: unknown;
  export default osc;
}
