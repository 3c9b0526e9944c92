/* A bulk import's turn rows in PostgreSQL's binary COPY format, for the turns whose text is ASCII.

   `rows.make_rows` in compiled code. In Python it cost 13-16 us a turn (folding, the tsvector's
   text, the COPY line, the word counts), and the server spent 12 us more reading the text. Here
   a turn costs about 2 us, and the tsvector goes to the server in its binary form
   (`tsvector_recv`), which it takes without parsing. The turns' values are read with the GIL
   held; the rows are made without it, so that a bulk import's other threads go on meanwhile.

   rows(guild_id, batch, table) -> (data, printed, skipped, df, said, size)
     batch:   [(meeting_id, base, chat, [(index, speaker, text, page, start, end, chat), ...]), ...]
              (not changed by another thread meanwhile: its values are read without the GIL)
     table:   `parser.text.ASCII_FOLD` (each ASCII character's fold: a lower-case letter, a digit or a space)
     data:    the binary COPY of the turns made here (columns `writer.TURN_COLUMNS`), b"" if none
     printed: each turn's printed words (`len(text.split())`), -1 for a turn left to Python
     skipped: (record, position) of the turns left to Python: a text beyond ASCII, or one whose
              tsvector `tsvector.tsvector_text` leaves to the server (its rules are followed here)
     df, said: {word: turns holding it}, {word: times said}, over the turns made here
     size:    their texts' UTF-8 bytes
   `tests/parser/index/postgres/test_rows.py` compares both paths on every corpus turn. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define LONGEST_WORD 1000
#define MOST_POSITIONS 16000
#define MOST_REPEATS 255
#define LONGEST_TEXT 200000
#define COLUMNS 15

/* Memory here is PyMem_Raw*: it is allocated without the GIL. */
typedef struct {
    char *data;
    Py_ssize_t size, room;
} Buffer;

static int grow(Buffer *b, Py_ssize_t more) {
    if (b->size + more <= b->room) return 0;
    Py_ssize_t room = b->room ? b->room : 1 << 16;
    while (room < b->size + more) room *= 2;
    char *data = PyMem_RawRealloc(b->data, room);
    if (!data) return -1;
    b->data = data;
    b->room = room;
    return 0;
}

static inline void put16(Buffer *b, uint16_t v) {
    b->data[b->size++] = (char)(v >> 8);
    b->data[b->size++] = (char)v;
}

static inline void put32(Buffer *b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b->data[b->size++] = (char)(v >> s);
}

static inline void put64(Buffer *b, uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) b->data[b->size++] = (char)(v >> s);
}

static int put_field(Buffer *b, const char *s, Py_ssize_t n) { /* its length, then it (n <= INT32_MAX: checked) */
    if (grow(b, n + 4) < 0) return -1;
    put32(b, (uint32_t)n);
    memcpy(b->data + b->size, s, n);
    b->size += n;
    return 0;
}

/* The words met in a batch, and their counts: open addressing over the words' bytes in `arena`. */
typedef struct {
    Py_ssize_t at; /* offset of the word in the arena; -1: empty slot */
    uint32_t len, hash;
    long df, said;
} Slot;

typedef struct {
    Slot *slots;
    size_t mask, used;
    Buffer arena;
} Words;

static uint32_t hash_of(const char *s, Py_ssize_t n) { /* FNV-1a */
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static Slot *empty_slots(size_t count) {
    Slot *slots = PyMem_RawMalloc(sizeof(Slot) * count);
    if (slots)
        for (size_t i = 0; i < count; i++) slots[i].at = -1;
    return slots;
}

static int words_grow(Words *w) {
    size_t mask = w->mask * 2 + 1;
    Slot *slots = empty_slots(mask + 1);
    if (!slots) return -1;
    for (size_t i = 0; i <= w->mask; i++) {
        if (w->slots[i].at < 0) continue;
        size_t j = w->slots[i].hash & mask;
        while (slots[j].at >= 0) j = (j + 1) & mask;
        slots[j] = w->slots[i];
    }
    PyMem_RawFree(w->slots);
    w->slots = slots;
    w->mask = mask;
    return 0;
}

/* Count a lexeme of one turn, said `times` in it (each lexeme comes once a turn: df goes up by one). */
static int words_count(Words *w, const char *s, uint32_t n, long times) {
    uint32_t h = hash_of(s, n);
    size_t j = h & w->mask;
    for (; w->slots[j].at >= 0; j = (j + 1) & w->mask) {
        Slot *slot = &w->slots[j];
        if (slot->hash == h && slot->len == n && memcmp(w->arena.data + slot->at, s, n) == 0) {
            slot->said += times;
            slot->df++;
            return 0;
        }
    }
    if (grow(&w->arena, n) < 0) return -1;
    Slot *slot = &w->slots[j];
    slot->at = w->arena.size;
    memcpy(w->arena.data + w->arena.size, s, n);
    w->arena.size += n;
    slot->len = n;
    slot->hash = h;
    slot->df = 1;
    slot->said = times;
    if (++w->used * 2 > w->mask) return words_grow(w);
    return 0;
}

/* A word of the turn being made: where it is in the folded text, and its position (1-based). */
typedef struct {
    uint64_t key; /* its first 8 bytes, big-endian, zero-padded: ordered as the words are (they hold no zero) */
    const char *s;
    uint32_t len, position;
} Word;

static inline int word_cmp(const Word *x, const Word *y) { /* the server's lexeme order: bytes, then length */
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    if (x->len <= 8 && y->len <= 8) return 0; /* the same key and both within it: the same word */
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = n > 8 ? memcmp(x->s + 8, y->s + 8, n - 8) : 0;
    if (c) return c;
    return x->len == y->len ? 0 : (x->len < y->len ? -1 : 1);
}

static inline int same_word(const Word *x, const Word *y) {
    return x->key == y->key && x->len == y->len && (x->len <= 8 || memcmp(x->s + 8, y->s + 8, x->len - 8) == 0);
}

/* Sort a turn's words in the server's lexeme order, stably (each lexeme's positions stay in order):
   insertion sort of runs of 16, then merges through `spare` (room for `count` words). */
static void sort_words(Word *words, Word *spare, Py_ssize_t count) {
    const Py_ssize_t run = 16;
    for (Py_ssize_t at = 0; at < count; at += run) {
        Py_ssize_t end = at + run < count ? at + run : count;
        for (Py_ssize_t i = at + 1; i < end; i++) {
            Word w = words[i];
            Py_ssize_t j = i;
            while (j > at && word_cmp(&words[j - 1], &w) > 0) {
                words[j] = words[j - 1];
                j--;
            }
            words[j] = w;
        }
    }
    Word *from = words, *to = spare;
    for (Py_ssize_t width = run; width < count; width *= 2) {
        for (Py_ssize_t lo = 0; lo < count; lo += 2 * width) {
            Py_ssize_t mid = lo + width < count ? lo + width : count, hi = lo + 2 * width < count ? lo + 2 * width : count;
            Py_ssize_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) to[k++] = word_cmp(&from[j], &from[i]) < 0 ? from[j++] : from[i++];
            while (i < mid) to[k++] = from[i++];
            while (j < hi) to[k++] = from[j++];
        }
        Word *t = from;
        from = to;
        to = t;
    }
    if (from != words) memcpy(words, from, sizeof(Word) * count);
}

/* Python's str.isspace for ASCII: what `text.split()` splits on. */
static inline int is_space(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13) || (c >= 28 && c <= 31); }

static inline int is_word(unsigned char folded) {
    return (folded >= 'a' && folded <= 'z') || (folded >= '0' && folded <= '9');
}

/* `tsvector._SPLIT`: a digit, `e`, digits and a letter (`1e5x`), which the server's parser splits. */
static int splits(const char *s, uint32_t n) {
    for (uint32_t i = 0; i + 3 <= n; i++) {
        if (s[i] < '0' || s[i] > '9' || s[i + 1] != 'e') continue;
        uint32_t j = i + 2;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        if (j > i + 2 && j < n && s[j] >= 'a' && s[j] <= 'z') return 1;
    }
    return 0;
}

typedef struct {
    Buffer folded;       /* the turn's folded text */
    Word *words, *spare; /* its words, and room to sort them */
    Py_ssize_t room;
} Scratch;

/* Fold `text` (ASCII) into `sc`; the number of words, or -1 (no memory) or -2 (left to the server). */
static Py_ssize_t fold_turn(Scratch *sc, const unsigned char *text, Py_ssize_t n, const unsigned char *table) {
    sc->folded.size = 0;
    if (grow(&sc->folded, n + 1) < 0) return -1; /* the folded text is no longer: the words' pointers hold */
    Py_ssize_t count = 0, i = 0;
    while (i < n) {
        while (i < n && !is_word(table[text[i]])) i++;
        if (i >= n) break;
        if (count) sc->folded.data[sc->folded.size++] = ' ';
        Py_ssize_t start = i, at = sc->folded.size;
        while (i < n && is_word(table[text[i]])) sc->folded.data[sc->folded.size++] = (char)table[text[i++]];
        if (count >= sc->room) {
            Py_ssize_t room = sc->room ? sc->room * 2 : 256;
            Word *words = PyMem_RawRealloc(sc->words, sizeof(Word) * room);
            if (!words) return -1;
            sc->words = words;
            Word *spare = PyMem_RawRealloc(sc->spare, sizeof(Word) * room);
            if (!spare) return -1;
            sc->spare = spare;
            sc->room = room;
        }
        Word *w = &sc->words[count];
        w->s = sc->folded.data + at;
        w->len = (uint32_t)(i - start);
        w->position = (uint32_t)(count + 1);
        w->key = 0;
        for (Py_ssize_t b = 0; b < 8; b++) w->key = w->key << 8 | (b < i - start ? (unsigned char)w->s[b] : 0);
        count++;
    }
    if (sc->folded.size > LONGEST_TEXT || count > MOST_POSITIONS) return -2;
    for (Py_ssize_t k = 0; k < count; k++)
        if (sc->words[k].len > LONGEST_WORD || splits(sc->words[k].s, sc->words[k].len)) return -2;
    return count;
}

static Py_ssize_t printed_words(const unsigned char *text, Py_ssize_t n) {
    Py_ssize_t count = 0;
    int in = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int space = is_space(text[i]);
        if (!space && !in) count++;
        in = !space;
    }
    return count;
}

/* The tsvector of the turn's sorted words, as `tsvector_send` writes it, and their counts; -2 if
   a lexeme is said more often than the server keeps positions of (left to it: nothing written). */
static int put_tsvector(Buffer *b, Word *words, Py_ssize_t count, Words *counts) {
    Py_ssize_t lexemes = 0, bytes = 4;
    for (Py_ssize_t k = 0; k < count;) {
        Py_ssize_t e = k + 1;
        while (e < count && same_word(&words[e], &words[k])) e++;
        if (e - k > MOST_REPEATS) return -2;
        lexemes++;
        bytes += words[k].len + 1 + 2 + 2 * (e - k);
        k = e;
    }
    if (grow(b, bytes + 4) < 0) return -1;
    put32(b, (uint32_t)bytes);
    put32(b, (uint32_t)lexemes);
    for (Py_ssize_t k = 0; k < count;) {
        Py_ssize_t e = k + 1;
        while (e < count && same_word(&words[e], &words[k])) e++;
        memcpy(b->data + b->size, words[k].s, words[k].len);
        b->size += words[k].len;
        b->data[b->size++] = 0;
        put16(b, (uint16_t)(e - k));
        for (Py_ssize_t p = k; p < e; p++) put16(b, (uint16_t)words[p].position); /* weight D: 0 */
        if (words_count(counts, words[k].s, words[k].len, (long)(e - k)) < 0) return -1;
        k = e;
    }
    return 0;
}

/* A turn's values, read from its tuple with the GIL held. */
typedef struct {
    const unsigned char *text;
    const char *speaker, *meeting;
    Py_ssize_t n, speaker_len, meeting_len, position, record;
    long long id;
    long index, page, printed; /* printed: -1 while the turn is left to Python */
    double start, end;
    char ascii, chat, has_page, has_start, has_end;
} Item;

static int read_number(PyObject *value, long *out) {
    long v = PyLong_AsLong(value);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < INT32_MIN || v > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "a number is out of the range of an integer column");
        return -1;
    }
    *out = v;
    return 0;
}

static int read_time(PyObject *value, double *out, char *has) {
    *has = value != Py_None;
    if (!*has) return 0;
    *out = PyFloat_AsDouble(value);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
}

static int read_turn(Item *item, PyObject *turn) {
    if (!PyTuple_Check(turn) || PyTuple_GET_SIZE(turn) != 7) {
        PyErr_SetString(PyExc_TypeError, "a turn is a tuple of 7 values");
        return -1;
    }
    PyObject *text = PyTuple_GET_ITEM(turn, 2), *page = PyTuple_GET_ITEM(turn, 3);
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "a turn's text is a str");
        return -1;
    }
    item->printed = -1;
    item->ascii = PyUnicode_IS_ASCII(text) && PyUnicode_GET_LENGTH(text) <= INT32_MAX / 2;
    if (!item->ascii) return 0;
    item->text = (const unsigned char *)PyUnicode_DATA(text);
    item->n = PyUnicode_GET_LENGTH(text);
    item->speaker = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(turn, 1), &item->speaker_len);
    if (!item->speaker || read_number(PyTuple_GET_ITEM(turn, 0), &item->index) < 0) return -1;
    item->has_page = page != Py_None;
    if (item->has_page && read_number(page, &item->page) < 0) return -1;
    if (read_time(PyTuple_GET_ITEM(turn, 4), &item->start, &item->has_start) < 0 ||
        read_time(PyTuple_GET_ITEM(turn, 5), &item->end, &item->has_end) < 0)
        return -1;
    int chat = PyObject_IsTrue(PyTuple_GET_ITEM(turn, 6));
    if (chat < 0) return -1;
    item->chat = (char)(item->chat || chat);
    return 0;
}

static void put_float(Buffer *b, double value, char has) {
    if (!has) {
        put32(b, 0xFFFFFFFFu);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &value, 8);
    put32(b, 8);
    put64(b, bits);
}

/* One turn's row; 0 written, 1 left to Python, -1 no memory. No Python object is touched. */
static int put_row(Buffer *out, Scratch *sc, Words *counts, const unsigned char *table, long long guild, Item *item) {
    Py_ssize_t count = fold_turn(sc, item->text, item->n, table);
    if (count < 0) return count == -1 ? -1 : 1;
    sort_words(sc->words, sc->spare, count);
    Py_ssize_t row_at = out->size;
    long printed = (long)printed_words(item->text, item->n);
    if (grow(out, 2 + 12 + 12 + 8 + 8) < 0) return -1;
    put16(out, COLUMNS);
    put32(out, 8);
    put64(out, (uint64_t)guild);
    put32(out, 8);
    put64(out, (uint64_t)item->id);
    if (put_field(out, item->meeting, item->meeting_len) < 0 || grow(out, 16) < 0) return -1;
    put32(out, 4);
    put32(out, (uint32_t)item->position);
    put32(out, 4);
    put32(out, (uint32_t)(int32_t)item->index);
    if (put_field(out, item->speaker, item->speaker_len) < 0 || put_field(out, (const char *)item->text, item->n) < 0 ||
        put_field(out, sc->folded.data, sc->folded.size) < 0 || grow(out, 16 + 8 + 24 + 5) < 0)
        return -1;
    put32(out, 4);
    put32(out, (uint32_t)printed);
    put32(out, 4);
    put32(out, (uint32_t)item->n);
    if (item->has_page) {
        put32(out, 4);
        put32(out, (uint32_t)(int32_t)item->page);
    } else {
        put32(out, 0xFFFFFFFFu);
    }
    put_float(out, item->start, item->has_start);
    put_float(out, item->end, item->has_end);
    put32(out, 1);
    out->data[out->size++] = item->chat;
    int made = put_tsvector(out, sc->words, count, counts);
    if (made == -2) {
        out->size = row_at;
        return 1;
    }
    if (made < 0) return -1;
    item->printed = printed;
    return 0;
}

static PyObject *counts_dict(Words *w, int df) {
    PyObject *out = PyDict_New();
    for (size_t i = 0; out && i <= w->mask; i++) {
        Slot *slot = &w->slots[i];
        if (slot->at < 0) continue;
        PyObject *key = PyUnicode_FromStringAndSize(w->arena.data + slot->at, slot->len);
        PyObject *value = key ? PyLong_FromLong(df ? slot->df : slot->said) : NULL;
        if (!value || PyDict_SetItem(out, key, value) < 0) Py_CLEAR(out);
        Py_XDECREF(key);
        Py_XDECREF(value);
    }
    return out;
}

static const char HEADER[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

/* The results, from what was made: (data, printed, skipped, df, said, size). */
static PyObject *results(Buffer *out, Item *items, Py_ssize_t count, Words *counts) {
    PyObject *printed = PyList_New(count), *skipped = PyList_New(0);
    Py_ssize_t size = 0, written = 0;
    for (Py_ssize_t k = 0; printed && skipped && k < count; k++) {
        PyObject *number = PyLong_FromLong(items[k].printed);
        if (!number) goto fail;
        PyList_SET_ITEM(printed, k, number);
        if (items[k].printed >= 0) {
            size += items[k].n;
            written++;
            continue;
        }
        PyObject *place = Py_BuildValue("(nn)", items[k].record, items[k].position);
        if (!place || PyList_Append(skipped, place) < 0) {
            Py_XDECREF(place);
            goto fail;
        }
        Py_DECREF(place);
    }
    if (!printed || !skipped) goto fail;
    PyObject *data = PyBytes_FromStringAndSize(written ? out->data : NULL, written ? out->size : 0);
    PyObject *df = data ? counts_dict(counts, 1) : NULL;
    PyObject *said = df ? counts_dict(counts, 0) : NULL;
    if (said) return Py_BuildValue("(NNNNNn)", data, printed, skipped, df, said, size);
    Py_XDECREF(data);
    Py_XDECREF(df);
fail:
    Py_XDECREF(printed);
    Py_XDECREF(skipped);
    return NULL;
}

static PyObject *rows(PyObject *Py_UNUSED(self), PyObject *args) {
    long long guild;
    PyObject *batch, *result = NULL;
    Py_buffer table;
    if (!PyArg_ParseTuple(args, "LO!y*", &guild, &PyList_Type, &batch, &table)) return NULL;
    Buffer out = {0};
    Scratch sc = {{0}, NULL, NULL, 0};
    Words counts = {empty_slots(1 << 14), (1 << 14) - 1, 0, {0}};
    Item *items = NULL;
    Py_ssize_t count = 0, room = 0;
    int failed;
    if (table.len != 256) {
        PyErr_SetString(PyExc_ValueError, "the fold table has 256 bytes");
        goto done;
    }
    if (!counts.slots) goto no_memory;
    for (Py_ssize_t r = 0; r < PyList_GET_SIZE(batch); r++) { /* the values, with the GIL */
        PyObject *turns;
        const char *meeting;
        Py_ssize_t meeting_len;
        long long base;
        int chat;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(batch, r), "s#LpO!", &meeting, &meeting_len, &base, &chat, &PyList_Type, &turns))
            goto done;
        if (meeting_len > INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "a meeting id is too long");
            goto done;
        }
        Py_ssize_t n = PyList_GET_SIZE(turns);
        if (count + n > room) {
            room = (count + n) * 2;
            Item *more = PyMem_RawRealloc(items, sizeof(Item) * room);
            if (!more) goto no_memory;
            items = more;
        }
        for (Py_ssize_t p = 0; p < n; p++) {
            Item *item = &items[count++];
            item->meeting = meeting;
            item->meeting_len = meeting_len;
            item->record = r;
            item->position = p;
            item->id = base + p;
            item->chat = (char)chat;
            if (read_turn(item, PyList_GET_ITEM(turns, p)) < 0) goto done;
            if (item->ascii && item->speaker_len > INT32_MAX) {
                PyErr_SetString(PyExc_ValueError, "a speaker label is too long");
                goto done;
            }
        }
    }
    failed = 0;
    Py_BEGIN_ALLOW_THREADS /* the rows, without it */
    failed = grow(&out, sizeof HEADER);
    if (!failed) {
        memcpy(out.data, HEADER, sizeof HEADER);
        out.size = sizeof HEADER;
    }
    for (Py_ssize_t k = 0; !failed && k < count; k++)
        if (items[k].ascii) failed = put_row(&out, &sc, &counts, table.buf, guild, &items[k]) < 0;
    if (!failed && (failed = grow(&out, 2)) == 0) put16(&out, 0xFFFF);
    Py_END_ALLOW_THREADS
    if (failed) goto no_memory;
    result = results(&out, items, count, &counts);
    goto done;
no_memory:
    PyErr_NoMemory();
done:
    PyMem_RawFree(items);
    PyMem_RawFree(counts.slots);
    PyMem_RawFree(counts.arena.data);
    PyMem_RawFree(out.data);
    PyMem_RawFree(sc.folded.data);
    PyMem_RawFree(sc.words);
    PyMem_RawFree(sc.spare);
    PyBuffer_Release(&table);
    return result;
}

static PyMethodDef methods[] = {
    {"rows", rows, METH_VARARGS, "A batch's ASCII turns as binary COPY rows: (data, printed, skipped, df, said, size)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_rows", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__rows(void) { return PyModule_Create(&module); }
