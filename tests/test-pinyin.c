/* Tests for pinyin initials: common characters, the table's bounds, surname readings. */
#include <stdint.h>
#include <string.h>

#include "pinyin.h"
#include "t.h"

/* Each character of a UTF-8 string of 3-byte characters, as code points, into cps. */
static size_t
cps_of(const char *s, uint32_t *cps, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; p[0] && n < max; p += 3)
		cps[n++] = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 |
		    (p[2] & 0x3f);
	return n;
}

/* Whether each character of s reads with the initial at the same place in want. */
static int
initials_are(const char *s, const char *want)
{
	uint32_t cps[64];
	size_t i, n = cps_of(s, cps, 64);

	if (n != strlen(want))
		return 0;
	for (i = 0; i < n; i++)
		if (pinyin_initial(cps[i]) != want[i]) {
			fprintf(stderr, "  U+%04X: %c, wanted %c\n", (unsigned)cps[i],
			    pinyin_initial(cps[i]) ? pinyin_initial(cps[i]) : '0', want[i]);
			return 0;
		}
	return 1;
}

static void
test_common(void)
{
	ok(initials_are("张三丰王李赵钱孙周吴郑", "zsfwlzqszwz"), "common surnames");
	ok(initials_are("的是我你他中国人大小爱欧鹅", "dswntzgrdxaoe"), "common characters");
	ok(initials_are("一龥", "yy"), "U+4E00 and U+9FA5, the ends of the GB 2312 era block");
	ok(initials_are("买提艾力古丽娜尔吾斯汗", "mtalglnewsh"), "Uyghur name characters");
	ok(pinyin_initial(0x3400) == 'q', "U+3400 (Extension A) qiu");
	ok(pinyin_initial(0x9fa6) == 0, "U+9FA6 has no Mandarin reading in Unihan");
}

static void
test_bounds(void)
{
	uint32_t cp;
	int bad = 0, known = 0;
	char c;

	ok(pinyin_initial('A') == 0 && pinyin_initial('z') == 0, "ASCII is not Han");
	ok(pinyin_initial(0x33ff) == 0 && pinyin_initial(0xa000) == 0, "just outside the table");
	ok(pinyin_initial(0x4dc0) == 0, "hexagram symbols between the blocks");
	ok(pinyin_initial(0x20000) == 0 && pinyin_initial(0x10ffff) == 0 &&
	    pinyin_initial(0xffffffffu) == 0, "beyond: unknown");
	for (cp = 0; cp < 0x11000; cp++) {
		c = pinyin_initial(cp);
		bad += c != 0 && (c < 'a' || c > 'z' || c == 'i' || c == 'u' || c == 'v');
		known += c != 0 && cp >= 0x4e00 && cp <= 0x9fff;
	}
	ok(bad == 0, "only letters that start a pinyin syllable");
	ok(known > 20800, "nearly all of U+4E00..U+9FFF is known");
}

static void
test_surnames(void)
{
	static const struct {
		const char *ch;
		char usual, surname;
	} cases[] = {
		{ "单", 'd', 's' }, { "曾", 'c', 'z' }, { "解", 'j', 'x' }, { "仇", 'c', 'q' },
		{ "朴", 'p', 'p' }, { "查", 'c', 'z' }, { "区", 'q', 'o' }, { "乐", 'l', 'y' },
		{ "翟", 'd', 'z' }, { "盖", 'g', 'g' }, { "覃", 't', 'q' }, { "尉", 'w', 'w' },
		{ "张", 'z', 'z' }, { "重", 'z', 'c' },
	};
	uint32_t cp;
	size_t i;
	int good = 1;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cps_of(cases[i].ch, &cp, 1);
		if (pinyin_initial(cp) != cases[i].usual ||
		    pinyin_initial_surname(cp) != cases[i].surname) {
			fprintf(stderr, "  %s: %c %c\n", cases[i].ch, pinyin_initial(cp),
			    pinyin_initial_surname(cp));
			good = 0;
		}
	}
	ok(good, "surname readings differ from the usual ones");
	ok(pinyin_initial_surname('A') == 0, "not Han");
}

static void
test_compound(void)
{
	uint32_t cps[4];
	char out[2] = { 0, 0 };

	ok(pinyin_surname_initials(cps, cps_of("尉迟恭", cps, 4), out) == 2 &&
	    memcmp(out, "yc", 2) == 0, "尉迟 yuchi");
	ok(pinyin_surname_initials(cps, cps_of("尉健行", cps, 4), out) == 1 && out[0] == 'w',
	    "尉 alone wei");
	ok(pinyin_surname_initials(cps, cps_of("万俟卨", cps, 4), out) == 2 &&
	    memcmp(out, "mq", 2) == 0, "万俟 moqi");
	ok(pinyin_surname_initials(cps, cps_of("单于", cps, 4), out) == 2 &&
	    memcmp(out, "cy", 2) == 0, "单于 chanyu");
	ok(pinyin_surname_initials(cps, cps_of("单田芳", cps, 4), out) == 1 && out[0] == 's',
	    "单 alone shan");
	ok(pinyin_surname_initials(cps, cps_of("尉", cps, 4), out) == 1 && out[0] == 'w',
	    "one character");
	ok(pinyin_surname_initials(cps, 0, out) == 0, "none");
}

int
main(void)
{
	test_common();
	test_bounds();
	test_surnames();
	test_compound();
	return t_done();
}
