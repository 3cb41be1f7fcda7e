/* Pinyin initials from Unihan (src/pinyin-table.c) and the surnames that read differently. */
#include <stddef.h>

#include "pinyin.h"

struct surname {
	uint32_t cp;
	const char *reading;	/* as a surname; the usual (first Unihan) reading differs */
};

/* One-character surnames whose surname reading is not Unihan's first kMandarin reading. */
static const struct surname surnames[] = {
	{ 0x4e50, "yue" },	/* 乐 le */
	{ 0x4ec7, "qiu" },	/* 仇 chou */
	{ 0x4fbf, "pian" },	/* 便 bian */
	{ 0x533a, "ou" },	/* 区 qu */
	{ 0x5355, "shan" },	/* 单 dan */
	{ 0x53e5, "gou" },	/* 句 ju */
	{ 0x53ec, "shao" },	/* 召 zhao */
	{ 0x6298, "she" },	/* 折 zhe */
	{ 0x66fe, "zeng" },	/* 曾 ceng */
	{ 0x6734, "piao" },	/* 朴 pu */
	{ 0x67e5, "zha" },	/* 查 cha */
	{ 0x756a, "pan" },	/* 番 fan */
	{ 0x76d6, "ge" },	/* 盖 gai */
	{ 0x796d, "zhai" },	/* 祭 ji */
	{ 0x79cd, "chong" },	/* 种 zhong */
	{ 0x79d8, "bi" },	/* 秘 mi */
	{ 0x7e41, "po" },	/* 繁 fan */
	{ 0x7f2a, "miao" },	/* 缪 mou */
	{ 0x7fdf, "zhai" },	/* 翟 di */
	{ 0x8983, "qin" },	/* 覃 tan */
	{ 0x89e3, "xie" },	/* 解 jie */
	{ 0x90c7, "xun" },	/* 郇 huan */
	{ 0x91cd, "chong" },	/* 重 zhong */
	{ 0x9697, "wei" },	/* 隗 kui */
};

struct compound {
	uint32_t first, second;
	char initials[3];
};

/* Two-character surnames whose reading differs from their characters' usual ones. */
static const struct compound compounds[] = {
	{ 0x5c09, 0x8fdf, "yc" },	/* 尉迟 yuchi (尉 alone: wei) */
	{ 0x4e07, 0x4fdf, "mq" },	/* 万俟 moqi (wan si) */
	{ 0x5355, 0x4e8e, "cy" },	/* 单于 chanyu (单 alone: shan) */
	{ 0x6fb9, 0x53f0, "tt" },	/* 澹台 tantai (dan tai) */
};

char
pinyin_initial(uint32_t cp)
{
	char c;

	if (cp < PINYIN_FIRST || cp > PINYIN_LAST)
		return 0;
	cp -= PINYIN_FIRST;
	c = pinyin_table[cp / PINYIN_ROW][cp % PINYIN_ROW];
	return c >= 'a' && c <= 'z' ? c : 0;
}

char
pinyin_initial_surname(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof surnames / sizeof surnames[0]; i++)
		if (surnames[i].cp == cp)
			return surnames[i].reading[0];
	return pinyin_initial(cp);
}

size_t
pinyin_surname_initials(const uint32_t *name, size_t n, char out[2])
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; n >= 2 && i < sizeof compounds / sizeof compounds[0]; i++)
		if (compounds[i].first == name[0] && compounds[i].second == name[1]) {
			out[0] = compounds[i].initials[0];
			out[1] = compounds[i].initials[1];
			return 2;
		}
	out[0] = pinyin_initial_surname(name[0]);
	return 1;
}
