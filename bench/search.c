/*
 * bench/search: 1,000,000 persons registered (through intake_register, in batches of 10,000
 * events per transaction, once: the database is kept in build/bench-search/ for later runs),
 * then 10,000 lookups each by ID number, band id and a two-character Chinese name fragment.
 * Prints p50/p99 in ms per kind. Goal: p99 under 5 ms. PERSONS=N in the environment makes a
 * smaller population (for a quick run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "intake.h"
#include "terminal.h"
#include "visit.h"

#define LOOKUPS 10000
#define BATCH 10000

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴",
    "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
    "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋",
    "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈" };
static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军",
    "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
    "建", "国", "文", "辉", "玉", "兰", "志", "红", "春", "梅", "海", "波", "宇", "浩", "鹏",
    "飞", "鑫", "婷", "雪", "琳", "晨", "欣", "佳", "博", "亮", "昊", "然", "彤", "睿", "泽",
    "轩", "瑞", "凯", "嘉", "子", "宁" };
#define NS (sizeof surnames / sizeof surnames[0])
#define NG (sizeof given / sizeof given[0])

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Person i: a unique ID number (birth date and sequence from i), a name, a band. */
static void
person(long i, struct registration *r)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	char first17[32];
	int k, sum = 0, day = (int)(i / 1000) % 10000, seq = (int)(i % 1000);
	int year = 1950 + day / 336, month = 1 + day % 336 / 28, dom = 1 + day % 28;

	memset(r, 0, sizeof *r);
	snprintf(first17, sizeof first17, "110105%04d%02d%02d%03d", year, month, dom, seq);
	for (k = 0; k < 17; k++)
		sum += (first17[k] - '0') * w[k];
	memcpy(r->id_number, first17, 17);
	r->id_number[17] = "10X98765432"[sum % 11];
	r->id_number[18] = '\0';
	r->sex = (seq % 2) ? 'M' : 'F';
	snprintf(r->name, sizeof r->name, "%s%s%s", surnames[i % NS], given[(i / NS) % NG],
	    (i % 3) ? given[(i / (NS * NG)) % NG] : "");
	snprintf(r->ethnicity, sizeof r->ethnicity, "01");
	snprintf(r->address, sizeof r->address, "北京市朝阳区某街道%ld号", i % 500);
	snprintf(r->case_number, sizeof r->case_number, "A11010520260%07ld", i / 3);
	snprintf(r->reason, sizeof r->reason, "criminal");
	snprintf(r->officer1, sizeof r->officer1, "P%05ld", i % 900);
	snprintf(r->officer2, sizeof r->officer2, "P%05ld", i % 900 + 1);
	snprintf(r->band, sizeof r->band, "B%07ld", i);
}

static int
populate(const char *dir, long n)
{
	struct terminal *t;
	struct intake in = { 0 };
	struct intake_error e;
	struct registration r;
	char visit[UUID_LEN + 1];
	double t0 = now_s();
	long i;

	if (terminal_create(dir, "bench", "intake", &e.em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &e.em) != CST_OK) {
		fprintf(stderr, "bench/search: %s\n", e.em.text);
		return 1;
	}
	in.j = t->journal;
	snprintf(in.operator_, sizeof in.operator_, "bench");
	for (i = 0; i < n; i++) {
		if (i % BATCH == 0 && journal_batch_begin(in.j, &e.em) != CST_OK)
			break;
		person(i, &r);
		if (intake_register(&in, &r, visit, &e) != CST_OK) {
			fprintf(stderr, "bench/search: person %ld: %s\n", i, e.em.text);
			break;
		}
		if ((i + 1) % BATCH == 0 || i + 1 == n) {
			if (journal_batch_end(in.j, &e.em) != CST_OK)
				break;
			fprintf(stderr, "\r  registered %ld (%.0f/s)", i + 1, (i + 1) / (now_s() - t0));
		}
	}
	fprintf(stderr, "\n");
	terminal_close(t);
	return i == n ? 0 : 1;
}

typedef int lookup_fn(struct journal *j, long i, size_t *hits);

static int
by_id(struct journal *j, long i, size_t *hits)
{
	struct registration r;
	struct visit_list l;
	int rc;

	person(i, &r);
	rc = visit_find(j, r.id_number, 50, &l, NULL);
	*hits = l.n;
	visit_list_free(&l);
	return rc;
}

static int
by_band(struct journal *j, long i, size_t *hits)
{
	struct registration r;
	struct visit v;
	int rc;

	person(i, &r);
	rc = visit_by_band(j, r.band, &v, NULL);
	*hits = rc == CST_OK;
	return rc;
}

static int
by_fragment(struct journal *j, long i, size_t *hits)
{
	struct visit_list l;
	char q[16];
	int rc;

	snprintf(q, sizeof q, "%s%s", given[i % NG], given[(i / NG) % NG]);
	rc = visit_find(j, q, 50, &l, NULL);
	*hits = l.n;
	visit_list_free(&l);
	return rc;
}

static void
measure(struct journal *j, const char *what, lookup_fn *fn, long n)
{
	static double lat[LOOKUPS];
	size_t hits, total = 0;
	long i;

	srand(42);
	for (i = 0; i < LOOKUPS; i++) {
		long who = (long)((unsigned long)rand() * 2654435761UL % (unsigned long)n);
		double t0 = now_s();

		fn(j, who, &hits);
		lat[i] = now_s() - t0;
		total += hits;
	}
	qsort(lat, LOOKUPS, sizeof lat[0], cmp_double);
	printf("%-28s p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%.1f hits per lookup)\n", what,
	    lat[LOOKUPS / 2] * 1e3, lat[LOOKUPS * 99 / 100] * 1e3, lat[LOOKUPS - 1] * 1e3,
	    (double)total / LOOKUPS);
}

int
main(void)
{
	const char *env = getenv("PERSONS");
	long n = env ? atol(env) : 1000000;
	char dir[256];
	struct terminal *t;
	struct errmsg em;
	struct stat st;

	if (n < 1000)
		n = 1000;
	clock_set_ms(1795000000000LL);
	snprintf(dir, sizeof dir, "build/bench-search-%ld", n);
	if (stat(dir, &st) != 0 && populate(dir, n) != 0)
		return 1;
	if (terminal_open(dir, TERMINAL_RDONLY, &t, &em) != CST_OK) {
		fprintf(stderr, "bench/search: %s\n", em.text);
		return 1;
	}
	printf("bench/search: %ld persons in %s\n", n, dir);
	measure(t->journal, "by ID number", by_id, n);
	measure(t->journal, "by band id", by_band, n);
	measure(t->journal, "by two-character fragment", by_fragment, n);
	terminal_close(t);
	return 0;
}
