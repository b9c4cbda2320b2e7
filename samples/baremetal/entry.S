/*
 * Boot entry of seam-baremetal: QEMU's `-kernel FILE` finds the PVH note
 * (XEN_ELFNOTE_PHYS32_ENTRY) and jumps to bm_pvh_start in 32-bit protected
 * mode, paging off, %ebx = physical address of the hvm_start_info (which has
 * the -append command line). This file builds identity-mapped page tables for
 * the first 1 GiB (2 MiB pages), enables SSE (Rust's core for the
 * x86_64-unknown-linux-gnu target uses it), enters long mode and calls
 * kmain(start_info) on a 64 KiB stack. Interrupts stay disabled throughout:
 * there is no IDT, so nothing can clobber a function's red zone.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* The note QEMU's PVH loader reads; an 8-byte descriptor as Linux's vmlinux
 * has (QEMU reads a size_t there for ELF64). */
	.section .note.Xen, "a", @note
	.p2align 2
	.long 4                          /* namesz */
	.long 8                          /* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY   /* type */
	.asciz "Xen"
	.quad bm_pvh_start

	.section .boot.text, "ax", @progbits
	.code32
	.globl bm_pvh_start
	.type bm_pvh_start, @function
bm_pvh_start:
	cli
	cld
	movl $bm_boot_stack_top, %esp
	movl %ebx, bm_start_info_paddr

	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = i * 2 MiB (present, writable, large). */
	movl $bm_pdpt, %eax
	orl $0x3, %eax
	movl %eax, bm_pml4
	movl $bm_pd, %eax
	orl $0x3, %eax
	movl %eax, bm_pdpt
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, bm_pd(,%ecx,8)
	movl $0, bm_pd+4(,%ecx,8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b

	/* CR4: PAE (5), OSFXSR (9), OSXMMEXCPT (10). */
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
	movl %eax, %cr4
	movl $bm_pml4, %eax
	movl %eax, %cr3
	/* EFER.LME */
	movl $0xc0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	/* CR0: PG (31), PE (0), MP (1); clear EM (2) so SSE does not fault. */
	movl %cr0, %eax
	andl $~(1 << 2), %eax
	orl $((1 << 31) | (1 << 1) | 1), %eax
	movl %eax, %cr0

	lgdt bm_gdt_desc
	ljmp $0x08, $bm_long_start
	.size bm_pvh_start, . - bm_pvh_start

	.code64
	.text
	.globl bm_long_start
	.type bm_long_start, @function
bm_long_start:
	.cfi_startproc
	/* The outermost frame: no caller to unwind to. */
	.cfi_undefined rip
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $bm_stack_top, %rsp
	xorl %ebp, %ebp
	movl bm_start_info_paddr, %edi
	call kmain
2:	cli
	hlt
	jmp 2b
	.cfi_endproc
	.size bm_long_start, . - bm_long_start

	.section .rodata
	.p2align 3
bm_gdt:
	.quad 0
	.quad 0x00af9a000000ffff   /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff   /* 0x10: data */
bm_gdt_end:
bm_gdt_desc:
	.word bm_gdt_end - bm_gdt - 1
	.long bm_gdt

	.data
	.p2align 2
	.globl bm_start_info_paddr
bm_start_info_paddr:
	.long 0

	.bss
	.p2align 12
bm_pml4:
	.skip 4096
bm_pdpt:
	.skip 4096
bm_pd:
	.skip 4096
	.p2align 4
	.skip 1024
bm_boot_stack_top:
	.p2align 4
	.globl bm_stack_bottom
bm_stack_bottom:
	.skip 65536
	.globl bm_stack_top
bm_stack_top:

	.section .note.GNU-stack, "", @progbits
