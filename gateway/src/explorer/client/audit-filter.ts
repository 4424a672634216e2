/**
 * The audit view's filter form, made from the schema: the input fields of `AuditEventFilter` as introspection gives them
 * (schema/operations/AuditEventFilterFields.graphql) become form fields, an input nested in it a group of fields, so a
 * filter the audit subgraph adds appears in the form without a change here; and what a reader typed becomes the
 * operation's `filter` variable. Plain functions, no DOM (gateway/test/explorer.test.ts checks them).
 */

/** A type as introspection describes it, wrappers (NON_NULL, LIST) first. */
export interface IntrospectedType {
  kind: string;
  name?: string | null;
  enumValues?: { name: string; description?: string | null }[] | null;
  /** An input object's own fields, where the introspection asked for them (one level below AuditEventFilter). */
  inputFields?: IntrospectedInputField[] | null;
  ofType?: IntrospectedType | null;
}

export interface IntrospectedInputField {
  name: string;
  description?: string | null;
  defaultValue?: string | null;
  type: IntrospectedType;
}

/** How a field is entered: `group`, an input object's fields together; `json`, an input the form cannot break down. */
export type FilterInput = 'text' | 'datetime' | 'date' | 'integer' | 'number' | 'boolean' | 'enum' | 'group' | 'json';

export interface FilterField {
  readonly name: string;
  /** Where its value is kept in the form and the page's address: `marking.tlp` for `tlp` in `marking`. */
  readonly key: string;
  /** `operationName` → `Operation name`. */
  readonly label: string;
  readonly description: string;
  readonly input: FilterInput;
  /** A list: several values, separated by commas. */
  readonly list: boolean;
  readonly required: boolean;
  /** The type as the schema prints it (`String`, `[AuditOutcomeStatus!]`). */
  readonly typeName: string;
  readonly enumValues: readonly { name: string; description: string }[];
  /** A group's fields. */
  readonly fields: readonly FilterField[];
}

/** Form values by field key, as the reader typed them (the `datetime-local` format for times, lists joined by commas). */
export type FilterValues = Readonly<Record<string, string>>;

function printType(type: IntrospectedType): string {
  if (type.kind === 'NON_NULL' && type.ofType) return `${printType(type.ofType)}!`;
  if (type.kind === 'LIST' && type.ofType) return `[${printType(type.ofType)}]`;
  return type.name ?? '?';
}

function namedType(type: IntrospectedType): IntrospectedType {
  return type.ofType && (type.kind === 'NON_NULL' || type.kind === 'LIST') ? namedType(type.ofType) : type;
}

function isList(type: IntrospectedType): boolean {
  if (type.kind === 'LIST') return true;
  return type.kind === 'NON_NULL' && !!type.ofType && isList(type.ofType);
}

/** `operationName` → `Operation name`, `entityKey` → `Entity key`. */
export function labelFor(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function inputFor(type: IntrospectedType): FilterInput {
  const named = namedType(type);
  if (named.kind === 'ENUM') return 'enum';
  if (named.kind === 'INPUT_OBJECT' && nestedFields(type).length > 0 && !isList(type)) return 'group';
  if (named.kind !== 'SCALAR') return 'json';
  switch (named.name) {
    case 'DateTime':
      return 'datetime';
    case 'Date':
      return 'date';
    case 'Int':
      return 'integer';
    case 'Float':
      return 'number';
    case 'Boolean':
      return 'boolean';
    default:
      return 'text';
  }
}

/** An input object's fields as introspection gave them, at whichever wrapper it asked for them. */
function nestedFields(type: IntrospectedType): IntrospectedInputField[] {
  for (let at: IntrospectedType | null | undefined = type; at; at = at.ofType) if (at.inputFields?.length) return at.inputFields;
  return [];
}

/** The form's fields, in the schema's order; `parent`, the key of the group they are in. */
export function filterFields(inputFields: readonly IntrospectedInputField[], parent = ''): FilterField[] {
  return inputFields.map((field) => {
    const named = namedType(field.type);
    const key = parent ? `${parent}.${field.name}` : field.name;
    const input = inputFor(field.type);
    return {
      name: field.name,
      key,
      label: labelFor(field.name),
      description: field.description ?? '',
      input,
      list: isList(field.type),
      required: field.type.kind === 'NON_NULL' && field.defaultValue == null,
      typeName: printType(field.type),
      enumValues: (named.enumValues ?? []).map((value) => ({ name: value.name, description: value.description ?? '' })),
      fields: input === 'group' ? filterFields(nestedFields(field.type), key) : [],
    };
  });
}

/** Every field a value can be typed into (a group's fields instead of the group). */
export function leafFields(fields: readonly FilterField[]): FilterField[] {
  return fields.flatMap((field) => (field.input === 'group' ? leafFields(field.fields) : [field]));
}

/** One typed value of a field, or an Error saying what is wrong with the text. */
function convert(field: FilterField, text: string): unknown {
  switch (field.input) {
    case 'datetime': {
      // `datetime-local` gives the reader's local time without a zone (which Date reads as local time); the schema
      // takes an instant.
      const time = new Date(text);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text) || Number.isNaN(time.getTime())) return new Error(`${field.label}: "${text}" is not a date and time`);
      return time.toISOString();
    }
    case 'integer':
    case 'number': {
      const number = Number(text);
      if (text === '' || !Number.isFinite(number) || (field.input === 'integer' && !Number.isInteger(number))) {
        return new Error(`${field.label}: "${text}" is not ${field.input === 'integer' ? 'a whole number' : 'a number'}`);
      }
      return number;
    }
    case 'boolean':
      return text === 'true';
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return new Error(`${field.label}: "${text}" is not JSON (${field.typeName})`);
      }
    default:
      return text;
  }
}

/**
 * The `filter` variable for what the reader typed: empty fields left out (every filter given must match; none given,
 * all events), lists split at commas. `problems` says what could not be read; the filter is then not to be sent.
 */
export function filterVariable(fields: readonly FilterField[], values: FilterValues): { filter: Record<string, unknown> | undefined; problems: string[] } {
  const filter: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const field of fields) {
    if (field.input === 'group') {
      // A group is sent only with something in it.
      const inner = filterVariable(field.fields, values);
      problems.push(...inner.problems);
      if (inner.filter) filter[field.name] = inner.filter;
      continue;
    }
    const text = (values[field.key] ?? '').trim();
    if (!text) continue;
    const parts =
      field.list && field.input !== 'json'
        ? text
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : [text];
    const converted = parts.map((part) => convert(field, part));
    const problem = converted.find((value): value is Error => value instanceof Error);
    if (problem) problems.push(problem.message);
    else filter[field.name] = field.list && field.input !== 'json' ? converted : converted[0];
  }
  return { filter: Object.keys(filter).length > 0 ? filter : undefined, problems };
}

/** A `datetime-local` value (the reader's local time, to the minute) for an instant. */
export function localDateTime(time: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(time.getHours())}:${pad(time.getMinutes())}`;
}
