// A deliberately small unpickler for PyTorch state dicts. It never imports or calls anything:
// globals are checked against an allow-list and replaced by inert descriptions, and the only
// "calls" it performs are building an empty dict and describing a tensor.
import { EngineError } from '../errors.ts';
import type { StoredDtype } from './tensors.ts';

const STORAGE_DTYPES: Record<string, StoredDtype> = {
  'torch.HalfStorage': 'F16',
  'torch.FloatStorage': 'F32',
};
const ORDERED_DICT = 'collections.OrderedDict';
const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
export const ALLOWED_GLOBALS: readonly string[] = [
  ORDERED_DICT,
  REBUILD_TENSOR,
  ...Object.keys(STORAGE_DTYPES),
];

/** A reference to an allowed global; it is a name, never a resolved function. */
class GlobalRef {
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }
}

/** The persistent id of a storage: its bytes live in the zip under data/<key>. */
export class StorageRef {
  readonly key: string;
  readonly dtype: StoredDtype;
  readonly elementCount: number;

  constructor(key: string, dtype: StoredDtype, elementCount: number) {
    this.key = key;
    this.dtype = dtype;
    this.elementCount = elementCount;
  }
}

/** What `_rebuild_tensor_v2` would have built, kept as a description. */
export class TensorRef {
  readonly storage: StorageRef;
  readonly storageOffset: number;
  readonly shape: number[];
  readonly strides: number[];

  constructor(storage: StorageRef, storageOffset: number, shape: number[], strides: number[]) {
    this.storage = storage;
    this.storageOffset = storageOffset;
    this.shape = shape;
    this.strides = strides;
  }
}

type Value =
  | null
  | boolean
  | number
  | string
  | Value[]
  | Map<unknown, Value>
  | GlobalRef
  | StorageRef
  | TensorRef;

const MARK = Symbol('mark');

class Reader {
  position = 0;
  private readonly bytes: Uint8Array;
  private readonly source: string;

  constructor(bytes: Uint8Array, source: string) {
    this.bytes = bytes;
    this.source = source;
  }

  fail(problem: string): EngineError {
    return new EngineError(
      'INVALID_CHECKPOINT',
      `${this.source}: ${problem} (pickle byte ${this.position})`,
    );
  }

  take(length: number): Uint8Array {
    if (this.position + length > this.bytes.byteLength) throw this.fail('pickle ends unexpectedly');
    const slice = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return slice;
  }

  uint(length: 1 | 2 | 4): number {
    const b = this.take(length);
    const view = new DataView(b.buffer, b.byteOffset, length);
    return length === 1
      ? view.getUint8(0)
      : length === 2
        ? view.getUint16(0, true)
        : view.getUint32(0, true);
  }

  int32(): number {
    const b = this.take(4);
    return new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
  }

  line(): string {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) throw this.fail('unterminated line');
    const text = new TextDecoder().decode(this.bytes.subarray(this.position, end));
    this.position = end + 1;
    return text;
  }

  utf8(length: number): string {
    return new TextDecoder('utf-8', { fatal: true }).decode(this.take(length));
  }
}

function isIntegerList(value: Value): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isInteger(v));
}

/**
 * Interprets a protocol-2 pickle as written by `torch.save(state_dict)`. Any global outside
 * ALLOWED_GLOBALS is refused with UNSAFE_CHECKPOINT before anything else happens.
 */
export function unpickleStateDict(bytes: Uint8Array, source: string): Map<unknown, Value> {
  const reader = new Reader(bytes, source);
  const stack: (Value | typeof MARK)[] = [];
  const memo = new Map<number, Value>();

  const pop = (): Value => {
    const value = stack.pop();
    if (value === undefined || value === MARK) throw reader.fail('stack underflow');
    return value;
  };
  const popToMark = (): Value[] => {
    const mark = stack.lastIndexOf(MARK);
    if (mark < 0) throw reader.fail('no MARK on the stack');
    const items = stack.splice(mark) as Value[];
    items.shift();
    return items;
  };
  const top = (): Value => {
    const value = stack[stack.length - 1];
    if (value === undefined || value === MARK) throw reader.fail('stack underflow');
    return value;
  };
  const dictOnTop = (): Map<unknown, Value> => {
    const dict = top();
    if (!(dict instanceof Map)) throw reader.fail('SETITEM on something that is not a dict');
    return dict;
  };

  const persistentLoad = (pid: Value): StorageRef => {
    if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage')
      throw reader.fail('unsupported persistent id');
    const [, type, key, , count] = pid;
    const dtype = type instanceof GlobalRef ? STORAGE_DTYPES[type.name] : undefined;
    if (!dtype || typeof key !== 'string' || !Number.isInteger(count))
      throw reader.fail('malformed storage persistent id');
    return new StorageRef(key, dtype, count as number);
  };

  const reduce = (callable: Value, args: Value): Value => {
    if (!(callable instanceof GlobalRef) || !Array.isArray(args))
      throw reader.fail('REDUCE of something that is not a global');
    if (callable.name === ORDERED_DICT) {
      if (args.length !== 0) throw reader.fail('OrderedDict built with arguments');
      return new Map();
    }
    if (callable.name === REBUILD_TENSOR) {
      const [storage, offset, shape, strides] = args;
      if (
        !(storage instanceof StorageRef) ||
        !Number.isInteger(offset) ||
        !isIntegerList(shape ?? null) ||
        !isIntegerList(strides ?? null)
      ) {
        throw reader.fail('malformed _rebuild_tensor_v2 arguments');
      }
      return new TensorRef(
        storage,
        offset as number,
        [...(shape as number[])],
        [...(strides as number[])],
      );
    }
    throw reader.fail(`${callable.name} cannot be called`);
  };

  for (;;) {
    const opcode = reader.uint(1);
    switch (opcode) {
      case 0x80: // PROTO
        if (reader.uint(1) > 2) throw reader.fail('pickle protocol above 2');
        break;
      case 0x2e: {
        // STOP
        const result = pop();
        if (!(result instanceof Map)) throw reader.fail('the pickle is not a dict of tensors');
        return result;
      }
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popToMark());
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const items = Array.from({ length: opcode - 0x84 }, pop).reverse();
        stack.push(items);
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x61: {
        // APPEND
        const item = pop();
        const list = top();
        if (!Array.isArray(list)) throw reader.fail('APPEND to something that is not a list');
        list.push(item);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popToMark();
        const list = top();
        if (!Array.isArray(list)) throw reader.fail('APPENDS to something that is not a list');
        list.push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        dictOnTop().set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popToMark();
        const dict = dictOnTop();
        if (items.length % 2 !== 0) throw reader.fail('SETITEMS with an odd number of items');
        for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]!);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(reader.uint(1));
        break;
      case 0x4d: // BININT2
        stack.push(reader.uint(2));
        break;
      case 0x4a: // BININT
        stack.push(reader.int32());
        break;
      case 0x58: // BINUNICODE
        stack.push(reader.utf8(reader.uint(4)));
        break;
      case 0x71: // BINPUT
        memo.set(reader.uint(1), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(reader.uint(4), top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const index = reader.uint(opcode === 0x68 ? 1 : 4);
        const value = memo.get(index);
        if (value === undefined) throw reader.fail(`memo entry ${index} is missing`);
        stack.push(value);
        break;
      }
      case 0x63: {
        // GLOBAL
        const name = `${reader.line()}.${reader.line()}`;
        if (!ALLOWED_GLOBALS.includes(name)) {
          throw new EngineError(
            'UNSAFE_CHECKPOINT',
            `${source}: refusing to load: the checkpoint references the Python global "${name}"; ` +
              `only ${ALLOWED_GLOBALS.join(', ')} are allowed in a weights file`,
          );
        }
        stack.push(new GlobalRef(name));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistentLoad(pop()));
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(reduce(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD: torch attaches `_metadata` (module versions) to the state dict; it carries no weights.
        const state = pop();
        if (!(top() instanceof Map) || !(state instanceof Map))
          throw reader.fail('BUILD on something that is not a dict');
        break;
      }
      default:
        throw reader.fail(`unsupported pickle opcode 0x${opcode.toString(16).padStart(2, '0')}`);
    }
  }
}
