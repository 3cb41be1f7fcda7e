/* The first letter of the Mandarin reading of a Chinese character, for pinyin-initial search. */
#ifndef CUSTODY_PINYIN_H
#define CUSTODY_PINYIN_H

#include <stddef.h>
#include <stdint.h>

/* The initial 'a'..'z' of cp's first Mandarin reading; 0 when not Han or not known. */
char pinyin_initial(uint32_t cp);
/*
 * The same for cp read as a one-character surname, whose reading may differ from the usual
 * one: 单 shan, 曾 zeng, 解 xie, 仇 qiu, 查 zha, 区 ou, 乐 yue, 翟 zhai, 覃 qin, ...
 */
char pinyin_initial_surname(uint32_t cp);
/*
 * The initials of the surname that starts a name of n code points: one letter (0 when not
 * known) per character of the surname into out; returns 2 for a compound surname whose
 * reading differs (尉迟 yuchi, 万俟 moqi, 单于 chanyu, 澹台 tantai), else 1 (0 when n is 0).
 */
size_t pinyin_surname_initials(const uint32_t *name, size_t n, char out[2]);

/* The generated table (src/pinyin-table.c): one letter or '.' per code point from FIRST. */
#define PINYIN_FIRST 0x3400
#define PINYIN_LAST 0x9fff
#define PINYIN_ROW 64
#define PINYIN_ROWS ((PINYIN_LAST + 1 - PINYIN_FIRST) / PINYIN_ROW)
extern const char pinyin_table[PINYIN_ROWS][PINYIN_ROW + 1];

#endif
