/* check.c: static validation of a raw seccomp program with the rules
 * the kernel applies when it is loaded (kernel/seccomp.c and the classic-BPF
 * checker), so that a bad file is reported with a reason instead of the
 * kernel's bare EINVAL. */
#include "sc.h"

#include <stdarg.h>
#include <stdio.h>
#include <linux/seccomp.h>

#define SECCOMP_DATA_SIZE 64u   /* sizeof(struct seccomp_data) */
#define MEM_WORDS 16u           /* BPF_MEMWORDS */

static int why(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_alu_op(uint16_t code)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV:
	case BPF_AND: case BPF_OR: case BPF_XOR: case BPF_LSH: case BPF_RSH:
		return true;
	}
	return false;
}

static bool is_cond_jump(uint16_t code)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: case BPF_JGE: case BPF_JGT: case BPF_JSET:
		return true;
	}
	return false;
}

/* The opcodes seccomp accepts, and their operand constraints. */
static int check_insn(const struct sock_filter *f, size_t pc, size_t len,
		      char *buf, size_t blen)
{
	uint16_t c = f->code;

	switch (BPF_CLASS(c)) {
	case BPF_LD:
		if (c == (BPF_LD | BPF_W | BPF_ABS)) {
			if (f->k >= SECCOMP_DATA_SIZE || f->k % 4)
				return why(buf, blen, "instruction %zu loads from "
					   "offset %u, outside struct seccomp_data "
					   "or unaligned", pc, f->k);
			return 0;
		}
		if (c == (BPF_LD | BPF_W | BPF_LEN) || c == (BPF_LD | BPF_IMM))
			return 0;
		if (c == (BPF_LD | BPF_MEM))
			goto mem;
		break;
	case BPF_LDX:
		if (c == (BPF_LDX | BPF_W | BPF_LEN) || c == (BPF_LDX | BPF_IMM))
			return 0;
		if (c == (BPF_LDX | BPF_MEM))
			goto mem;
		break;
	case BPF_ST:
	case BPF_STX:
		if (c == BPF_ST || c == BPF_STX)
			goto mem;
		break;
	case BPF_ALU:
		if (c == (BPF_ALU | BPF_NEG))
			return 0;
		if (!is_alu_op(c))
			break;
		if (BPF_SRC(c) == BPF_K && BPF_OP(c) == BPF_DIV && f->k == 0)
			return why(buf, blen, "instruction %zu divides by zero", pc);
		return 0;
	case BPF_JMP:
		if (c == (BPF_JMP | BPF_JA)) {
			if (f->k >= len - pc - 1)
				return why(buf, blen, "instruction %zu jumps past "
					   "the end", pc);
			return 0;
		}
		if (!is_cond_jump(c))
			break;
		if (pc + 1 + f->jt >= len || pc + 1 + f->jf >= len)
			return why(buf, blen, "instruction %zu jumps past the end",
				   pc);
		return 0;
	case BPF_RET:
		if (c == (BPF_RET | BPF_K) || c == (BPF_RET | BPF_A))
			return 0;
		break;
	case BPF_MISC:
		if (c == (BPF_MISC | BPF_TAX) || c == (BPF_MISC | BPF_TXA))
			return 0;
		break;
	}
	return why(buf, blen, "instruction %zu has opcode 0x%04x, which seccomp "
		   "does not allow", pc, c);
mem:
	if (f->k >= MEM_WORDS)
		return why(buf, blen, "instruction %zu uses scratch memory word "
			   "%u (there are %u)", pc, f->k, MEM_WORDS);
	return 0;
}

int sc_validate(const struct sock_filter *insns, size_t len, char *buf,
		size_t blen)
{
	if (len == 0)
		return why(buf, blen, "the program is empty");
	if (len > SC_MAX_INSNS)
		return why(buf, blen, "the program has %zu instructions; the "
			   "kernel accepts at most %d", len, SC_MAX_INSNS);
	for (size_t pc = 0; pc < len; pc++)
		if (check_insn(&insns[pc], pc, len, buf, blen) < 0)
			return -1;
	if (BPF_CLASS(insns[len - 1].code) != BPF_RET)
		return why(buf, blen, "the last instruction is not a return");
	return 0;
}
