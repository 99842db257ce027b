package org.toxiscope.features.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle interpreter that executes nothing: it first scans every opcode (known, arguments inside the data, every
 * GLOBAL on the allowlist) and only then builds plain Java values, delegating REDUCE of allowlisted callables and
 * persistent ids to the caller. Values: {@code String}, {@code Long} or {@code BigInteger}, {@code Double},
 * {@code Boolean}, {@link #NONE}, {@code byte[]}, {@code Object[]} (tuple), {@code List} and {@code Map}.
 */
public final class SafeUnpickler {

    /** Python's None. */
    public static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A {@code module.name} reference produced by GLOBAL / STACK_GLOBAL; never resolved to code. */
    public record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** What the caller decides: the result of calling an allowlisted global, and of a persistent id. */
    public interface Callbacks {
        Object reduce(Global callable, Object[] args, String where) throws IOException;

        Object persistentLoad(Object pid, String where) throws IOException;
    }

    private static final int MAX_PROTOCOL = 5;
    /**
     * Bounds far above what a tensor state dict needs (a few memo entries, stack slots and objects per tensor), so a
     * memoize flood or a value built up to exhaust memory fails at once instead of after gigabytes.
     */
    static final int MAX_MEMO = 1 << 20;
    static final int MAX_STACK = 1 << 20;
    static final int MAX_OBJECTS = 1 << 22;

    private final byte[] data;
    private final String source;
    private final Set<Global> allowed;
    private final String allowedHint;

    private SafeUnpickler(byte[] data, String source, Set<Global> allowed, String allowedHint) {
        this.data = data;
        this.source = source;
        this.allowed = allowed;
        this.allowedHint = allowedHint;
    }

    /**
     * Validates then evaluates {@code data}.
     *
     * @param source names the file in error messages
     * @param allowedHint what the file legitimately needs, quoted when a global is refused
     */
    public static Object load(byte[] data, String source, Set<Global> allowed, String allowedHint, Callbacks callbacks)
            throws IOException {
        SafeUnpickler u = new SafeUnpickler(data, source, allowed, allowedHint);
        u.scan();
        return u.run(callbacks);
    }

    /** One decoded instruction: its opcode, position, integer argument and other argument. */
    private record Instr(int op, int pos, long num, Object arg) {
    }

    private MalformedFileException error(int pos, String message) {
        return new MalformedFileException(source + ": pickle byte " + pos + ": " + message);
    }

    private void checkGlobal(Global g, int pos) throws MalformedFileException {
        if (!allowed.contains(g)) {
            throw new MalformedFileException(source + ": pickle global '" + g + "' is not allowed (" + allowedHint
                    + "); refusing to load the file (pickle byte " + pos + ")");
        }
    }

    private void scan() throws MalformedFileException {
        int[] at = {0};
        while (true) {
            Instr in = decode(at);
            if (in.op == 'c') {
                checkGlobal((Global) in.arg, in.pos);
            }
            if (in.op == '.') {
                return;
            }
        }
    }

    private Instr decode(int[] at) throws MalformedFileException {
        int pos = at[0];
        if (pos >= data.length) {
            throw error(pos, "data ends without a STOP opcode (truncated pickle)");
        }
        int op = data[pos] & 0xff;
        at[0] = pos + 1;
        switch (op) {
            case 0x80: // PROTO
            case 'K': // BININT1
            case 'q': // BINPUT
            case 'h': // BINGET
                return new Instr(op, pos, take(at, 1).get() & 0xff, null);
            case 'M': // BININT2
                return new Instr(op, pos, take(at, 2).getShort() & 0xffff, null);
            case 'J': // BININT
                return new Instr(op, pos, take(at, 4).getInt(), null);
            case 'r': // LONG_BINPUT
            case 'j': // LONG_BINGET
                return new Instr(op, pos, take(at, 4).getInt() & 0xffffffffL, null);
            case 0x95: // FRAME
                take(at, 8);
                return new Instr(op, pos, 0, null);
            case 'G': // BINFLOAT, big-endian
                return new Instr(op, pos, 0, take(at, 8).order(ByteOrder.BIG_ENDIAN).getDouble());
            case 0x8a: // LONG1
                return new Instr(op, pos, 0, littleEndianInteger(bytes(at, take(at, 1).get() & 0xff)));
            case 0x8b: // LONG4
                return new Instr(op, pos, 0, littleEndianInteger(bytes(at, length(at, take(at, 4).getInt()))));
            case 0x8c: // SHORT_BINUNICODE
                return new Instr(op, pos, 0, utf8(bytes(at, take(at, 1).get() & 0xff), pos));
            case 'X': // BINUNICODE
                return new Instr(op, pos, 0, utf8(bytes(at, length(at, take(at, 4).getInt())), pos));
            case 0x8d: // BINUNICODE8
                return new Instr(op, pos, 0, utf8(bytes(at, length(at, take(at, 8).getLong())), pos));
            case 'U': // SHORT_BINSTRING
            case 'C': // SHORT_BINBYTES
                return new Instr(op, pos, 0, bytes(at, take(at, 1).get() & 0xff));
            case 'T': // BINSTRING
            case 'B': // BINBYTES
                return new Instr(op, pos, 0, bytes(at, length(at, take(at, 4).getInt())));
            case 'c': // GLOBAL "module\nname\n"
                return new Instr(op, pos, 0, new Global(line(at, pos), line(at, pos)));
            case '.': case '(': case '0': case '1': case '2': case 'N': case 0x88: case 0x89:
            case '}': case ']': case ')': case 't': case 0x85: case 0x86: case 0x87: case 'd': case 'l':
            case 'a': case 'e': case 's': case 'u': case 0x94: case 0x93: case 'R': case 'b': case 'Q':
                return new Instr(op, pos, 0, null);
            default:
                throw error(pos, String.format("opcode 0x%02x is not supported (torch.save writes pickle protocol 2;"
                        + " objects other than tensor state dicts are refused)", op));
        }
    }

    private ByteBuffer take(int[] at, int n) throws MalformedFileException {
        if (data.length - at[0] < n) {
            throw error(at[0], "argument of " + n + " bytes runs past the end (truncated pickle)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, at[0], n).order(ByteOrder.LITTLE_ENDIAN);
        at[0] += n;
        return b;
    }

    private int length(int[] at, long n) throws MalformedFileException {
        if (n < 0 || n > data.length - at[0]) {
            throw error(at[0], "length " + n + " runs past the end of the pickle (truncated or corrupt)");
        }
        return (int) n;
    }

    private byte[] bytes(int[] at, int n) throws MalformedFileException {
        ByteBuffer b = take(at, n);
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private String line(int[] at, int pos) throws MalformedFileException {
        int start = at[0];
        int end = start;
        while (end < data.length && data[end] != '\n') {
            end++;
        }
        if (end >= data.length) {
            throw error(pos, "GLOBAL name runs past the end (truncated pickle)");
        }
        at[0] = end + 1;
        return utf8(Arrays.copyOfRange(data, start, end), pos);
    }

    private String utf8(byte[] b, int pos) throws MalformedFileException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error(pos, "string is not valid UTF-8");
        }
    }

    private static Object littleEndianInteger(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object run(Callbacks callbacks) throws IOException {
        List<Object> stack = new ArrayList<>();
        Deque<Integer> marks = new ArrayDeque<>();
        Map<Long, Object> memo = new HashMap<>();
        int[] at = {0};
        long objects = 0;
        while (true) {
            Instr in = decode(at);
            int pos = in.pos;
            if (stack.size() > MAX_STACK || marks.size() > MAX_STACK) {
                throw error(pos, "stack deeper than " + MAX_STACK + " entries; not a tensor state dict");
            }
            objects += objectsMade(in.op, stack, marks);
            if (objects > MAX_OBJECTS) {
                throw error(pos, "more than " + MAX_OBJECTS + " objects built; not a tensor state dict");
            }
            switch (in.op) {
                case 0x80 -> {
                    if (in.num > MAX_PROTOCOL) {
                        throw error(pos, "pickle protocol " + in.num + " is newer than this reader knows");
                    }
                }
                case 0x95 -> {
                }
                case '.' -> {
                    return pop(stack, marks, pos);
                }
                case '(' -> marks.push(stack.size());
                case '0' -> {
                    if (!marks.isEmpty() && marks.peek() == stack.size()) {
                        marks.pop();
                    } else {
                        pop(stack, marks, pos);
                    }
                }
                case '1' -> popMark(stack, marks, pos);
                case '2' -> stack.add(peek(stack, marks, pos));
                case 'N' -> stack.add(NONE);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'K', 'M', 'J' -> stack.add(in.num);
                case 'G', 0x8a, 0x8b, 0x8c, 'X', 0x8d, 'U', 'C', 'T', 'B' -> stack.add(in.arg);
                case '}' -> stack.add(new LinkedHashMap<>());
                case ']' -> stack.add(new ArrayList<>());
                case ')' -> stack.add(new Object[0]);
                case 't' -> stack.add(popMark(stack, marks, pos).toArray());
                case 0x85, 0x86, 0x87 -> {
                    int n = in.op - 0x84;
                    Object[] t = new Object[n];
                    for (int i = n - 1; i >= 0; i--) {
                        t[i] = pop(stack, marks, pos);
                    }
                    stack.add(t);
                }
                case 'l' -> stack.add(new ArrayList<>(popMark(stack, marks, pos)));
                case 'd' -> {
                    Map<Object, Object> d = new LinkedHashMap<>();
                    putPairs(d, popMark(stack, marks, pos), pos);
                    stack.add(d);
                }
                case 'a' -> {
                    Object v = pop(stack, marks, pos);
                    asList(peek(stack, marks, pos), pos).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark(stack, marks, pos);
                    asList(peek(stack, marks, pos), pos).addAll(items);
                }
                case 's' -> {
                    Object v = pop(stack, marks, pos);
                    Object k = pop(stack, marks, pos);
                    putPairs(asMap(peek(stack, marks, pos), pos), List.of(k, v), pos);
                }
                case 'u' -> {
                    List<Object> items = popMark(stack, marks, pos);
                    putPairs(asMap(peek(stack, marks, pos), pos), items, pos);
                }
                case 'q', 'r' -> memoize(memo, in.num, peek(stack, marks, pos), pos);
                case 0x94 -> memoize(memo, memo.size(), peek(stack, marks, pos), pos);
                case 'h', 'j' -> {
                    Object v = memo.get(in.num);
                    if (v == null) {
                        throw error(pos, "memo entry " + in.num + " was never stored");
                    }
                    stack.add(v);
                }
                case 'c' -> stack.add(in.arg);
                case 0x93 -> {
                    Object name = pop(stack, marks, pos);
                    Object module = pop(stack, marks, pos);
                    if (!(module instanceof String) || !(name instanceof String)) {
                        throw error(pos, "STACK_GLOBAL needs two strings");
                    }
                    Global g = new Global((String) module, (String) name);
                    checkGlobal(g, pos);
                    stack.add(g);
                }
                case 'R' -> {
                    Object args = pop(stack, marks, pos);
                    Object fn = pop(stack, marks, pos);
                    if (!(fn instanceof Global g) || !(args instanceof Object[] a)) {
                        throw error(pos, "REDUCE needs a global and an argument tuple, got " + typeName(fn) + " and "
                                + typeName(args));
                    }
                    stack.add(callbacks.reduce(g, a, source + ": pickle byte " + pos));
                }
                case 'b' -> {
                    pop(stack, marks, pos);
                    // Attribute state (an OrderedDict's _metadata) carries nothing a tensor reader needs.
                    asMap(peek(stack, marks, pos), pos);
                }
                case 'Q' -> stack.add(callbacks.persistentLoad(pop(stack, marks, pos), source + ": pickle byte " + pos));
                default -> throw error(pos, String.format("opcode 0x%02x is not supported", in.op));
            }
        }
    }

    private void memoize(Map<Long, Object> memo, long key, Object value, int pos) throws MalformedFileException {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(key)) {
            throw error(pos, "memo grows past " + MAX_MEMO + " entries; not a tensor state dict");
        }
        memo.put(key, value);
    }

    /** Objects {@code op} makes or stores into a container: one per new value, one per item set or appended. */
    private static long objectsMade(int op, List<Object> stack, Deque<Integer> marks) {
        int sinceMark = marks.isEmpty() ? stack.size() : stack.size() - marks.peek();
        return switch (op) {
            case '}', ']', ')', 0x85, 0x86, 0x87, 'a', 's', 'R', 'Q', 0x93 -> 1;
            case 't', 'l', 'd', 'e', 'u' -> 1 + sinceMark;
            default -> 0;
        };
    }

    private Object pop(List<Object> stack, Deque<Integer> marks, int pos) throws MalformedFileException {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() <= floor) {
            throw error(pos, "stack underflow (corrupt pickle)");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek(List<Object> stack, Deque<Integer> marks, int pos) throws MalformedFileException {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() <= floor) {
            throw error(pos, "stack underflow (corrupt pickle)");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark(List<Object> stack, Deque<Integer> marks, int pos) throws MalformedFileException {
        if (marks.isEmpty()) {
            throw error(pos, "no MARK to pop to (corrupt pickle)");
        }
        List<Object> tail = stack.subList(marks.pop(), stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o, int pos) throws MalformedFileException {
        if (!(o instanceof List)) {
            throw error(pos, "append to a " + typeName(o) + ", not a list");
        }
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o, int pos) throws MalformedFileException {
        if (!(o instanceof Map)) {
            throw error(pos, "dict operation on a " + typeName(o) + ", not a dict");
        }
        return (Map<Object, Object>) o;
    }

    private void putPairs(Map<Object, Object> d, List<Object> items, int pos) throws MalformedFileException {
        if (items.size() % 2 != 0) {
            throw error(pos, "odd number of items for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            Object k = items.get(i);
            // Only atomic keys: a container key could hash itself recursively.
            if (!(k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Boolean
                    || k instanceof Double || k == NONE)) {
                throw error(pos, "dict key of type " + typeName(k) + " is not supported");
            }
            d.put(k, items.get(i + 1));
        }
    }

    /** A short Python-ish type name for messages (never the value, which may be huge or cyclic). */
    public static String typeName(Object o) {
        if (o == null || o == NONE) {
            return "None";
        }
        if (o instanceof Object[]) {
            return "tuple";
        }
        if (o instanceof List) {
            return "list";
        }
        if (o instanceof Map) {
            return "dict";
        }
        if (o instanceof Global g) {
            return "global " + g;
        }
        return o.getClass().getSimpleName();
    }
}
