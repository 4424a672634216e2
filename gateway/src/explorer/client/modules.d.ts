// The explorer's virtual modules (../bundle.ts): the saved operations the audit view sends, bundled by esbuild as text.
declare module 'explorer:AuditTimeline' {
  const text: string;
  export default text;
}
declare module 'explorer:AuditChainStatus' {
  const text: string;
  export default text;
}
declare module 'explorer:AuditEventFilterFields' {
  const text: string;
  export default text;
}
