package org.krunpack.bundle;

import org.krunpack.elf.Elf;
import org.krunpack.elf.SharedObjectWriter.Code;
import org.krunpack.project.Arch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.ToLongFunction;

/**
 * The libkrunfw functions as machine code, for {@link org.krunpack.elf.SharedObjectWriter}: a
 * handful of hand-encoded instructions per function, position-independent (arrays are addressed
 * relative to the program counter; constants are immediates or PC-relative literals), so the
 * library needs no relocation. Each function is a leaf: it stores the constants through its
 * pointer arguments and returns the array's address.
 *
 * <pre>
 *   char *krunfw_get_kernel(size_t *load_addr, size_t *entry_addr, size_t *size)
 *   char *krunfw_get_qboot(size_t *size), char *krunfw_get_initrd(size_t *size)
 *   int krunfw_get_version(void)
 * </pre>
 *
 * x86_64 functions start with {@code endbr64} and aarch64 functions with {@code bti c}, and the
 * library says so in its GNU property note (IBT and shadow stacks; BTI): processes that enforce
 * those can load it.
 */
public abstract class KrunfwCode {
    KrunfwCode() {
    }

    /** The encoder for an architecture. */
    public static KrunfwCode forArch(Arch arch) {
        return switch (arch) {
            case X86_64 -> new X86();
            case AARCH64 -> new Arm64();
            case RISCV64 -> new RiscV();
        };
    }

    /** {@code e_machine}. */
    public abstract int machine();

    /** {@code e_flags}. */
    public int flags() {
        return 0;
    }

    /** The GNU property the code satisfies ({@code {type, value}}), or null. */
    public abstract int[] gnuProperty();

    /** {@code krunfw_get_kernel}: stores load, entry and size, returns {@code array}. */
    public abstract Code kernelGetter(long load, long entry, long size, String array);

    /** {@code krunfw_get_qboot}/{@code krunfw_get_initrd}: stores the size, returns {@code array}. */
    public abstract Code getter(long size, String array);

    /** {@code krunfw_get_version}: returns {@code abi}. */
    public abstract Code version(int abi);

    /** A fixed-size function whose bytes are computed from its address. */
    private record Fn(int size, Encoder encoder) implements Code {
        @Override
        public byte[] encode(long address, ToLongFunction<String> addressOf) {
            ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            encoder.encode(b, address, addressOf);
            if (b.hasRemaining()) {
                throw new IllegalStateException("encoded " + b.position() + " of " + size + " bytes");
            }
            return b.array();
        }
    }

    private interface Encoder {
        void encode(ByteBuffer b, long address, ToLongFunction<String> addressOf);
    }

    // ------------------------------------------------------------------ x86_64 (System V ABI)

    /** Arguments in rdi, rsi, rdx; result in rax/eax. */
    static final class X86 extends KrunfwCode {
        private static final byte[] ENDBR64 = {(byte) 0xf3, 0x0f, 0x1e, (byte) 0xfa};
        /** ModRM for {@code mov [reg], rax}: rdi, rsi, rdx. */
        private static final int[] STORE_RAX_TO = {0x07, 0x06, 0x02};

        @Override
        public int machine() {
            return Elf.EM_X86_64;
        }

        @Override
        public int[] gnuProperty() {
            return new int[] {Elf.GNU_PROPERTY_X86_FEATURE_1_AND,
                    Elf.GNU_PROPERTY_X86_FEATURE_1_IBT | Elf.GNU_PROPERTY_X86_FEATURE_1_SHSTK};
        }

        @Override
        public Code kernelGetter(long load, long entry, long size, String array) {
            return new Fn(4 + 3 * 13 + 7 + 1, (b, at, addr) -> {
                b.put(ENDBR64);
                long[] values = {load, entry, size};
                for (int i = 0; i < 3; i++) {
                    movabsRax(b, values[i]);
                    storeRax(b, STORE_RAX_TO[i]);
                }
                leaRax(b, at, addr.applyAsLong(array));
                b.put((byte) 0xc3); // ret
            });
        }

        @Override
        public Code getter(long size, String array) {
            return new Fn(4 + 13 + 7 + 1, (b, at, addr) -> {
                b.put(ENDBR64);
                movabsRax(b, size);
                storeRax(b, STORE_RAX_TO[0]);
                leaRax(b, at, addr.applyAsLong(array));
                b.put((byte) 0xc3);
            });
        }

        @Override
        public Code version(int abi) {
            return new Fn(4 + 5 + 1, (b, at, addr) -> {
                b.put(ENDBR64);
                b.put((byte) 0xb8).putInt(abi); // mov eax, imm32
                b.put((byte) 0xc3);
            });
        }

        /** {@code movabs rax, imm64}: REX.W B8+r io. */
        private static void movabsRax(ByteBuffer b, long v) {
            b.put((byte) 0x48).put((byte) 0xb8).putLong(v);
        }

        /** {@code mov qword [reg], rax}: REX.W 89 /r. */
        private static void storeRax(ByteBuffer b, int modrm) {
            b.put((byte) 0x48).put((byte) 0x89).put((byte) modrm);
        }

        /** {@code lea rax, [rip + disp32]}: REX.W 8D /r, relative to the next instruction. */
        private static void leaRax(ByteBuffer b, long functionAddr, long target) {
            long next = functionAddr + b.position() + 7;
            b.put((byte) 0x48).put((byte) 0x8d).put((byte) 0x05).putInt(disp32(target - next));
        }

        private static int disp32(long d) {
            if (d != (int) d) {
                throw new IllegalArgumentException("displacement " + d + " does not fit in 32 bits");
            }
            return (int) d;
        }
    }

    // ------------------------------------------------------------------ aarch64 (AAPCS64)

    /** Arguments in x0, x1, x2; result in x0/w0. Constants are PC-relative literals after the code. */
    static final class Arm64 extends KrunfwCode {
        private static final int BTI_C = 0xd503245f;
        private static final int RET = 0xd65f03c0;
        private static final int X9 = 9;

        @Override
        public int machine() {
            return Elf.EM_AARCH64;
        }

        @Override
        public int[] gnuProperty() {
            return new int[] {Elf.GNU_PROPERTY_AARCH64_FEATURE_1_AND, Elf.GNU_PROPERTY_AARCH64_FEATURE_1_BTI};
        }

        @Override
        public Code kernelGetter(long load, long entry, long size, String array) {
            return withLiterals(10, new long[] {load, entry, size}, array);
        }

        @Override
        public Code getter(long size, String array) {
            return withLiterals(6, new long[] {size}, array);
        }

        /**
         * {@code bti c; (ldr x9, lit_i; str x9, [x_i])...; adrp x0, array; add x0, x0, :lo12:array;
         * ret}, then the 8-byte literals.
         */
        private static Code withLiterals(int instructions, long[] literals, String array) {
            int codeSize = instructions * 4;
            int litStart = (codeSize + 7) & ~7;
            return new Fn(litStart + 8 * literals.length, (b, at, addr) -> {
                b.putInt(BTI_C);
                for (int i = 0; i < literals.length; i++) {
                    long pc = at + b.position();
                    long lit = at + litStart + 8L * i;
                    b.putInt(ldrLiteral(X9, lit - pc));
                    b.putInt(0xf9000000 | (i << 5) | X9); // str x9, [x_i]
                }
                long target = addr.applyAsLong(array);
                long pc = at + b.position();
                b.putInt(adrp(0, pc, target));
                b.putInt(0x91000000 | (int) ((target & 0xfff) << 10)); // add x0, x0, #lo12
                b.putInt(RET);
                while (b.position() < litStart) {
                    b.putInt(0); // udf #0: never reached
                }
                for (long v : literals) {
                    b.putLong(v);
                }
            });
        }

        @Override
        public Code version(int abi) {
            return new Fn(16, (b, at, addr) -> {
                b.putInt(BTI_C);
                b.putInt(0x52800000 | ((abi & 0xffff) << 5));          // movz w0, #lo16
                b.putInt(0x72a00000 | (((abi >>> 16) & 0xffff) << 5)); // movk w0, #hi16, lsl #16
                b.putInt(RET);
            });
        }

        /** {@code ldr xt, label}: 0x58000000 | imm19 << 5 | Rt, imm19 = offset / 4. */
        static int ldrLiteral(int rt, long offset) {
            if ((offset & 3) != 0 || offset < -(1 << 20) || offset >= (1 << 20)) {
                throw new IllegalArgumentException("literal offset " + offset + " out of range");
            }
            return 0x58000000 | (int) (((offset >> 2) & 0x7ffff) << 5) | rt;
        }

        /** {@code adrp xd, target}: the 4 KiB page of target relative to pc's page, +-4 GiB. */
        static int adrp(int rd, long pc, long target) {
            long pages = (target >> 12) - (pc >> 12);
            if (pages < -(1L << 20) || pages >= (1L << 20)) {
                throw new IllegalArgumentException("adrp offset " + pages + " pages out of range");
            }
            int immlo = (int) (pages & 3);
            int immhi = (int) ((pages >> 2) & 0x7ffff);
            return 0x90000000 | (immlo << 29) | (immhi << 5) | rd;
        }
    }

    // ------------------------------------------------------------------ riscv64 (LP64D)

    /** Arguments in a0, a1, a2; result in a0. Constants are PC-relative literals after the code. */
    static final class RiscV extends KrunfwCode {
        private static final int T0 = 5;
        private static final int A0 = 10;
        private static final int RET = 0x00008067; // jalr x0, 0(ra)

        @Override
        public int machine() {
            return Elf.EM_RISCV;
        }

        @Override
        public int flags() {
            return Elf.EF_RISCV_FLOAT_ABI_DOUBLE; // no compressed instructions: no EF_RISCV_RVC
        }

        @Override
        public int[] gnuProperty() {
            return null;
        }

        @Override
        public Code kernelGetter(long load, long entry, long size, String array) {
            return withLiterals(new long[] {load, entry, size}, array);
        }

        @Override
        public Code getter(long size, String array) {
            return withLiterals(new long[] {size}, array);
        }

        /**
         * {@code (auipc t0, %pcrel_hi(lit_i); ld t0, %pcrel_lo(t0); sd t0, 0(a_i))...;
         * auipc a0, %pcrel_hi(array); addi a0, a0, %pcrel_lo; ret}, then the literals.
         */
        private static Code withLiterals(long[] literals, String array) {
            int codeSize = (3 * literals.length + 3) * 4;
            int litStart = (codeSize + 7) & ~7;
            return new Fn(litStart + 8 * literals.length, (b, at, addr) -> {
                for (int i = 0; i < literals.length; i++) {
                    long pc = at + b.position();
                    long off = at + litStart + 8L * i - pc;
                    b.putInt(auipc(T0, hi20(off)));
                    b.putInt(itype(0x03, 3, T0, T0, lo12(off)));      // ld t0, lo(t0)
                    b.putInt(sd(A0 + i, T0, 0));                      // sd t0, 0(a_i)
                }
                long off = addr.applyAsLong(array) - (at + b.position());
                b.putInt(auipc(A0, hi20(off)));
                b.putInt(itype(0x13, 0, A0, A0, lo12(off)));          // addi a0, a0, lo
                b.putInt(RET);
                while (b.position() < litStart) {
                    b.putInt(0); // an illegal instruction: never reached
                }
                for (long v : literals) {
                    b.putLong(v);
                }
            });
        }

        @Override
        public Code version(int abi) {
            return new Fn(12, (b, at, addr) -> {
                b.putInt(0x37 | (A0 << 7) | (hi20(abi) << 12));   // lui a0, hi
                b.putInt(itype(0x1b, 0, A0, A0, lo12(abi)));      // addiw a0, a0, lo
                b.putInt(RET);
            });
        }

        /** The upper 20 bits of a PC-relative offset, rounded for a sign-extended low part. */
        static int hi20(long off) {
            long hi = (off + 0x800) >> 12;
            if (hi < -(1L << 19) || hi >= (1L << 19)) {
                throw new IllegalArgumentException("offset " + off + " out of range");
            }
            return (int) (hi & 0xfffff);
        }

        /** The signed low 12 bits matching {@link #hi20}. */
        static int lo12(long off) {
            return (int) (off - (((off + 0x800) >> 12) << 12));
        }

        private static int auipc(int rd, int imm20) {
            return 0x17 | (rd << 7) | (imm20 << 12);
        }

        private static int itype(int opcode, int funct3, int rd, int rs1, int imm12) {
            return opcode | (rd << 7) | (funct3 << 12) | (rs1 << 15) | ((imm12 & 0xfff) << 20);
        }

        private static int sd(int rs1, int rs2, int imm) {
            return 0x23 | ((imm & 0x1f) << 7) | (3 << 12) | (rs1 << 15) | (rs2 << 20) | (((imm >> 5) & 0x7f) << 25);
        }
    }
}
