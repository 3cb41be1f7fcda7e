/*
 * GB/T 3304-1991 "Names of ethnic groups in China in romanization with codes": codes 01 to 56
 * in the standard's order, 97 other, 98 foreign origin. English names are the standard's
 * romanizations; the Chinese names come from the zh_CN catalog.
 */
#include "ethnic.h"

#include <string.h>

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
