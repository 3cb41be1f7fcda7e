/*
 * GB/T 3304-1991 "Names of ethnic groups in China in romanization with codes": codes 01 to 56
 * in the standard's order, 97 other, 98 foreign origin. English names are the standard's
 * romanizations; the Chinese names come from the zh_CN catalog.
 */
#include "ethnic.h"

#include <string.h>
#include <strings.h>

#include "i18n.h"

static const char *const codes[ETHNIC_COUNT] = {
	"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14",
	"15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28",
	"29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42",
	"43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56",
	"97", "98"
};

const char *const ethnic_names[ETHNIC_COUNT] = {
	N_("Han"), N_("Mongol"), N_("Hui"), N_("Zang (Tibetan)"), N_("Uygur"), N_("Miao"),
	N_("Yi"), N_("Zhuang"), N_("Buyei"), N_("Chosen (Korean)"), N_("Man (Manchu)"),
	N_("Dong"), N_("Yao"), N_("Bai"), N_("Tujia"), N_("Hani"), N_("Kazak"), N_("Dai"),
	N_("Li"), N_("Lisu"), N_("Va"), N_("She"), N_("Gaoshan"), N_("Lahu"), N_("Sui"),
	N_("Dongxiang"), N_("Naxi"), N_("Jingpo"), N_("Kirgiz"), N_("Tu"), N_("Daur"),
	N_("Mulao"), N_("Qiang"), N_("Blang"), N_("Salar"), N_("Maonan"), N_("Gelao"),
	N_("Xibe"), N_("Achang"), N_("Pumi"), N_("Tajik"), N_("Nu"), N_("Uzbek"), N_("Russ"),
	N_("Ewenki"), N_("Deang"), N_("Bonan"), N_("Yugur"), N_("Gin"), N_("Tatar"),
	N_("Derung"), N_("Oroqen"), N_("Hezhen"), N_("Monba"), N_("Lhoba"), N_("Jino"),
	N_("other ethnic group"), N_("foreign origin")
};

/* The standard's Chinese names, for reading what a person types in any language. */
static const char *const hanzi[ETHNIC_COUNT] = {
	"汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
	"满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
	"佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
	"土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
	"阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
	"保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
	"基诺族", "其他", "外国血统中国籍人士"
};

const char *
ethnic_code(size_t i)
{
	return i < ETHNIC_COUNT ? codes[i] : "";
}

const char *
ethnic_name(size_t i)
{
	return i < ETHNIC_COUNT ? _(ethnic_names[i]) : "";
}

int
ethnic_find(const char *code)
{
	size_t i;

	for (i = 0; i < ETHNIC_COUNT; i++)
		if (strcmp(codes[i], code) == 0)
			return (int)i;
	return -1;
}

/* "汉" is "汉族" without its last character 族 (3 bytes in UTF-8). */
static int
is_short_name(const char *name, const char *text)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, "族") == 0 && strlen(text) == n - 3 &&
	    strncmp(name, text, n - 3) == 0;
}

int
ethnic_parse(const char *text)
{
	size_t i;

	for (i = 0; i < ETHNIC_COUNT; i++)
		if (strcmp(codes[i], text) == 0 || strcmp(hanzi[i], text) == 0 ||
		    is_short_name(hanzi[i], text) || strcasecmp(ethnic_names[i], text) == 0 ||
		    strcmp(_(ethnic_names[i]), text) == 0)
			return (int)i;
	return -1;
}
