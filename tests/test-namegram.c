/* Tests for name keys and query keys: what a name is indexed under, what a query looks up. */
#include <stdio.h>
#include <string.h>

#include "namegram.h"
#include "t.h"

static char keys[NAMEGRAM_KEYS_MAX + 1][NAMEGRAM_MAX];
static size_t nkeys;

static size_t
index_name(const char *name)
{
	memset(keys, 0x5a, sizeof keys);
	nkeys = namegram_keys(name, keys, NAMEGRAM_KEYS_MAX);
	return nkeys;
}

static int
has(const char *key)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i], key) == 0)
			return 1;
	return 0;
}

/* The keys are exactly the space-separated list want, in any order. */
static int
keys_are(const char *name, const char *want)
{
	char copy[512], *k, *save;
	size_t count = 0;

	index_name(name);
	snprintf(copy, sizeof copy, "%s", want);
	for (k = strtok_r(copy, " ", &save); k != NULL; k = strtok_r(NULL, " ", &save)) {
		count++;
		if (!has(k)) {
			fprintf(stderr, "  %s: no key %s\n", name, k);
			return 0;
		}
	}
	if (count != nkeys)
		fprintf(stderr, "  %s: %zu keys, wanted %zu\n", name, nkeys, count);
	return count == nkeys;
}

static int
query_is(const char *q, const char *want, int want_check)
{
	char key[NAMEGRAM_MAX] = "";
	int check = -1, r = namegram_query(q, key, sizeof key, &check);

	if (r != 0 || strcmp(key, want) != 0 || check != want_check)
		fprintf(stderr, "  query %s: r=%d key %s check %d\n", q, r, key, check);
	return r == 0 && strcmp(key, want) == 0 && check == want_check;
}

static int
query_refused(const char *q)
{
	char key[NAMEGRAM_MAX] = "";
	int check = -1;

	return namegram_query(q, key, sizeof key, &check) == -1 && check == 0;
}

/* Every key NUL-terminated and shorter than NAMEGRAM_MAX, the slot after the last untouched. */
static int
keys_bounded(void)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (memchr(keys[i], '\0', NAMEGRAM_MAX) == NULL || keys[i][0] == '\0')
			return 0;
	return nkeys <= NAMEGRAM_KEYS_MAX && (unsigned char)keys[nkeys][0] == 0x5a;
}

static void
test_han(void)
{
	ok(keys_are("张三丰", "张 三 丰 张三 三丰 #zs #sf #zsf"), "张三丰");
	ok(keys_are("王芳", "王 芳 王芳 #wf"), "a two-character name");
	ok(keys_are("李", "李"), "one character: no pair, no initials");
	ok(keys_are("欧阳娜娜", "欧 阳 娜 欧阳 阳娜 娜娜 #oy #yn #nn #oyn #ynn #oynn"),
	    "a repeated character is one key");
	ok(keys_bounded(), "bounded");
}

static void
test_surnames(void)
{
	index_name("单田芳");
	ok(has("#stf") && has("#st") && !has("#dtf"), "单 as a surname is shan");
	index_name("曾国藩");
	ok(has("#zgf") && !has("#cgf"), "曾 zeng");
	index_name("解缙");
	ok(has("#xj"), "解 xie");
	index_name("区志强");
	ok(has("#ozq"), "区 ou");
	index_name("尉迟恭");
	ok(has("#ycg") && !has("#wcg"), "尉迟 yuchi");
	index_name("尉健行");
	ok(has("#wjx"), "尉 alone wei");
	index_name("张单");
	ok(has("#zd") && !has("#zs"), "only the first character is read as a surname");
}

static void
test_separators(void)
{
	ok(keys_are("买买提·艾力", "买 提 艾 力 买买 买提 艾力 #mm #mmt #mmta #mmtal #al "
	    "#mt #mta #mtal #ta #tal"), "a Uyghur name with U+00B7: no pair across the dot");
	index_name("买买提\xe3\x83\xbb艾力");
	ok(nkeys == 17 && has("艾力") && !has("提艾"), "U+30FB katakana middle dot");
	index_name("买买提\xe2\x80\xa2艾力");
	ok(nkeys == 17 && has("艾力") && !has("提艾"), "U+2022 bullet");
	index_name("买买提 艾力");
	ok(nkeys == 17 && !has("提 ") && !has(" 艾"), "a space");
	index_name("阿卜杜热合曼·买买提·艾力");
	ok(has("#abdrhm") && has("#mmt") && has("#al") && has("#abdrhmmmtal"),
	    "a long name: whole, each part, all of it");
	ok(keys_bounded(), "bounded");
}

static void
test_latin(void)
{
	ok(keys_are("JOHN SMITH", "jo oh hn sm mi it th #john #smith"),
	    "Latin: lower-case pairs and words, no single letters, none across the space");
	ok(keys_are("O'Neil", "o' 'n ne ei il #neil"), "an apostrophe is part of the name");
	ok(keys_are("Jean-Paul", "je ea an pa au ul #jean #paul"), "a hyphen splits");
	index_name("ABCDEFGHIJKLMNOPQ");
	ok(nkeys == 16 && !has("#abcdefghijklmnopq"), "no word key over 16 letters");
	ok(keys_are("张A", "张 张a"), "mixed");
}

static void
test_limits(void)
{
	/* 20 different characters: 20 + 19 pairs + 190 runs is more than 64. */
	const char *name = "阿卜杜热合曼买提艾力古丽娜尔吾斯汗江别克";
	char few[6][NAMEGRAM_MAX];

	index_name(name);
	ok(nkeys == NAMEGRAM_KEYS_MAX, "20 characters: exactly the key limit");
	ok(has("阿") && has("克") && has("阿卜") && has("江别") && has("别克"),
	    "every character and pair kept");
	ok(has("#ab") && has("#abdrhmmtalglnews"), "runs from the start kept first");
	ok(!has("#abdrhmmtalglnewsh"), "no run over 16 letters");
	ok(keys_bounded(), "bounded");
	memset(few, 0x5a, sizeof few);
	ok(namegram_keys(name, few, 5) == 5 && (unsigned char)few[5][0] == 0x5a,
	    "max 5: five keys and nothing past them");
	ok(namegram_keys(name, few, 0) == 0, "max 0");
	ok(index_name("") == 0, "empty");
	ok(index_name("   ") == 0, "spaces only");
}

static void
test_invalid(void)
{
	ok(index_name("\xff") == 0 && (unsigned char)keys[0][0] == 0x5a, "a stray byte");
	ok(index_name("张\xe4\xb8") == 0, "a cut character");
	ok(index_name("\xc0\xaf") == 0, "an overlong");
	ok(index_name("\xed\xa0\x80") == 0, "a surrogate");
	ok(index_name("\xf4\x90\x80\x80") == 0, "beyond U+10FFFF");
	ok(index_name("张\t三") == 0, "a control character");
}

static void
test_query(void)
{
	char key[NAMEGRAM_MAX], small[4];
	int check;

	ok(query_is("张", "张", 0), "one character");
	ok(query_is("张三", "张三", 0), "two characters");
	ok(query_is("张三丰", "张三", 1), "three: the first pair, then checked");
	ok(query_is("zsf", "#zsf", 0), "initials");
	ok(query_is("ZSF", "#zsf", 0), "folded");
	ok(query_is("zs", "#zs", 0), "two initials");
	ok(query_is("smith", "#smith", 0), "a Latin word");
	ok(query_is("abcdefghijklmnop", "#abcdefghijklmnop", 0), "16 letters");
	ok(query_is("abcdefghijklmnopq", "ab", 1), "17 letters: a pair");
	ok(query_is("John Smith", "jo", 1), "a Latin name with a space: its first pair");
	ok(query_is("o'neil", "o'", 1), "an apostrophe");
	ok(query_is("买买提·艾力", "买买", 1), "a Uyghur name");
	ok(query_is("·艾", "艾", 1), "a dot and one character");
	ok(query_is("提 艾", "提", 1), "no pair across a space");
	ok(query_refused(""), "empty");
	ok(query_refused("a"), "one letter");
	ok(query_refused("·"), "a dot");
	ok(query_refused("  "), "spaces");
	ok(query_refused("123"), "digits");
	ok(query_refused("张3"), "a digit among characters");
	ok(query_refused("张\xef\xbc\x93"), "a full-width digit");
	ok(query_refused("\xff\xfe"), "invalid UTF-8");
	ok(query_refused("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	    "65 bytes");
	ok(query_is("张张张张张张张张张张张张张张张张张张张张张", "张张", 1), "63 bytes");
	check = 7;
	ok(namegram_query("张三", small, sizeof small, &check) == -1 && check == 0,
	    "a key that does not fit");
	ok(namegram_query("张", small, sizeof small, &check) == 0 && strcmp(small, "张") == 0,
	    "one that does");
	ok(namegram_query("zs", key, sizeof key, &check) == 0, "setup");
}

/* Whatever part of a name is typed, its key is one of the name's keys. */
static void
test_found(void)
{
	static const char *names[] = { "张三丰", "买买提·艾力", "JOHN SMITH", "欧阳娜娜",
	    "阿卜杜热合曼·买买提·艾力" };
	static const char *queries[] = { "三丰", "张三丰", "zsf", "sf", "艾力", "提·艾", "mmtal",
	    "smith", "john", "OHN SM", "阳娜娜", "oynn", "热合曼·买", "abdrhm", "al" };
	char key[NAMEGRAM_MAX];
	size_t i, j, found = 0;
	int check;

	for (j = 0; j < sizeof queries / sizeof queries[0]; j++)
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			index_name(names[i]);
			if (namegram_query(queries[j], key, sizeof key, &check) == 0 && has(key)) {
				found++;
				break;
			}
		}
	ok(found == sizeof queries / sizeof queries[0], "every query finds its name");
	index_name("张三丰");
	ok(namegram_query("李四", key, sizeof key, &check) == 0 && !has(key), "another does not");
}

int
main(void)
{
	test_han();
	test_surnames();
	test_separators();
	test_latin();
	test_limits();
	test_invalid();
	test_query();
	test_found();
	return t_done();
}
