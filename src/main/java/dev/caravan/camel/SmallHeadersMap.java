package dev.caravan.camel;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.apache.camel.util.CaseInsensitiveMap;

/**
 * A Camel message's headers: names compared case-insensitively, as in Camel's own
 * {@link CaseInsensitiveMap}, but held in two small arrays in the order they were put, and
 * found by a scan that compares lengths first.
 *
 * <p>A message on the API path holds about ten headers, and every hop looks some up: Camel's
 * {@code TreeMap} (a comparison of characters at every level, an entry object per header) was
 * about 3% of the event loops' time; this takes about half of that (see README, Performance).
 * Past {@value #SCAN_LIMIT} headers it moves them into a {@link CaseInsensitiveMap} and works
 * as that from then on, so no count of headers makes it quadratic.
 *
 * <p>Like Camel's map: a name put again keeps its first spelling and takes the new value; a
 * {@code null} name is refused; not thread-safe. Unlike it, iteration follows insertion order.
 */
public final class SmallHeadersMap extends AbstractMap<String, Object> {
    /** Headers held in the arrays at most; one more moves them into a {@link CaseInsensitiveMap}. */
    static final int SCAN_LIMIT = 32;

    private String[] names;
    private Object[] values;
    private int size;
    private int modifications;
    /** Non-null once the headers outgrew the arrays: then every operation is this map's. */
    private Map<String, Object> large;
    private Set<Entry<String, Object>> entries;
    private Set<String> keys;

    public SmallHeadersMap() {
        names = new String[8];
        values = new Object[8];
    }

    public SmallHeadersMap(Map<String, Object> headers) {
        if (headers instanceof SmallHeadersMap small && small.large == null) {
            int capacity = Math.max(8, small.size);
            names = Arrays.copyOf(small.names, capacity);
            values = Arrays.copyOf(small.values, capacity);
            size = small.size;
        } else {
            names = new String[Math.max(8, Math.min(headers.size(), SCAN_LIMIT))];
            values = new Object[names.length];
            putAll(headers);
        }
    }

    private int indexOf(Object key) {
        if (!(key instanceof String name)) {
            return -1;
        }
        int length = name.length();
        for (int i = 0; i < size; i++) {
            String candidate = names[i];
            if (candidate.length() == length && (candidate == name || candidate.regionMatches(true, 0, name, 0, length))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object get(Object key) {
        if (large != null) {
            return large.get(key);
        }
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return large != null ? large.containsKey(key) : indexOf(key) >= 0;
    }

    @Override
    public Object put(String key, Object value) {
        Objects.requireNonNull(key, "a header name");
        if (large != null) {
            return large.put(key, value);
        }
        int i = indexOf(key);
        if (i >= 0) {
            Object previous = values[i];
            values[i] = value;
            return previous;
        }
        if (size == SCAN_LIMIT) {
            large = new CaseInsensitiveMap();
            for (int j = 0; j < size; j++) {
                large.put(names[j], values[j]);
            }
            names = null;
            values = null;
            size = 0;
            modifications++;
            return large.put(key, value);
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = key;
        values[size] = value;
        size++;
        modifications++;
        return null;
    }

    @Override
    public Object remove(Object key) {
        if (large != null) {
            return large.remove(key);
        }
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        Object previous = values[i];
        removeAt(i);
        return previous;
    }

    private void removeAt(int i) {
        int after = size - i - 1;
        System.arraycopy(names, i + 1, names, i, after);
        System.arraycopy(values, i + 1, values, i, after);
        size--;
        names[size] = null;
        values[size] = null;
        modifications++;
    }

    @Override
    public int size() {
        return large != null ? large.size() : size;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public void clear() {
        if (large != null) {
            large.clear();
            return;
        }
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        modifications++;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        if (entries == null) {
            entries = new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return large != null ? large.entrySet().iterator() : new Entries();
                }

                @Override
                public int size() {
                    return SmallHeadersMap.this.size();
                }

                @Override
                public void clear() {
                    SmallHeadersMap.this.clear();
                }
            };
        }
        return entries;
    }

    /** Names as the map compares them: {@code contains} and {@code remove} ignore case. */
    @Override
    public Set<String> keySet() {
        if (keys == null) {
            keys = new AbstractSet<>() {
                @Override
                public Iterator<String> iterator() {
                    Iterator<Entry<String, Object>> all = entrySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return all.hasNext();
                        }

                        @Override
                        public String next() {
                            return all.next().getKey();
                        }

                        @Override
                        public void remove() {
                            all.remove();
                        }
                    };
                }

                @Override
                public int size() {
                    return SmallHeadersMap.this.size();
                }

                @Override
                public boolean contains(Object o) {
                    return containsKey(o);
                }

                @Override
                public boolean remove(Object o) {
                    // by the size: a header may hold null, so the removed value cannot tell
                    int before = size();
                    SmallHeadersMap.this.remove(o);
                    return size() != before;
                }

                @Override
                public void clear() {
                    SmallHeadersMap.this.clear();
                }
            };
        }
        return keys;
    }

    /** The arrays' entries in order; {@code remove} and {@code setValue} write through. */
    private final class Entries implements Iterator<Entry<String, Object>> {
        private int next;
        private int last = -1;
        private int expected = modifications;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Entry<String, Object> next() {
            if (expected != modifications) {
                throw new ConcurrentModificationException();
            }
            if (next >= size) {
                throw new NoSuchElementException();
            }
            last = next++;
            return new Slot(last);
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException();
            }
            if (expected != modifications) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expected = modifications;
        }
    }

    /** An entry of the arrays, valid until the map changes shape. */
    private final class Slot implements Entry<String, Object> {
        private final int index;

        Slot(int index) {
            this.index = index;
        }

        @Override
        public String getKey() {
            return names[index];
        }

        @Override
        public Object getValue() {
            return values[index];
        }

        @Override
        public Object setValue(Object value) {
            Object previous = values[index];
            values[index] = value;
            return previous;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry<?, ?> e && Objects.equals(getKey(), e.getKey()) && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }
}
