#include "textflag.h"

// func axpy4AVX2(acc, w0, w1, w2, w3 *float32, n int, x *[4]float32)
//
// For k < n (a multiple of 8): acc[k] = (((acc[k] + w0[k]*x0) + w1[k]*x1)
// + w2[k]*x2) + w3[k]*x3, each product and sum rounded to float32 as the
// Go loop in scores does (no fused multiply-add), eight k at a time.
TEXT ·axpy4AVX2(SB), NOSPLIT, $0-56
	MOVQ acc+0(FP), DI
	MOVQ w0+8(FP), R8
	MOVQ w1+16(FP), R9
	MOVQ w2+24(FP), R10
	MOVQ w3+32(FP), R11
	MOVQ n+40(FP), CX
	MOVQ x+48(FP), AX
	VBROADCASTSS 0(AX), Y4
	VBROADCASTSS 4(AX), Y5
	VBROADCASTSS 8(AX), Y6
	VBROADCASTSS 12(AX), Y7
	XORQ BX, BX

loop:
	CMPQ BX, CX
	JGE  done
	VMOVUPS (DI)(BX*4), Y0
	VMULPS  (R8)(BX*4), Y4, Y1
	VADDPS  Y1, Y0, Y0
	VMULPS  (R9)(BX*4), Y5, Y1
	VADDPS  Y1, Y0, Y0
	VMULPS  (R10)(BX*4), Y6, Y1
	VADDPS  Y1, Y0, Y0
	VMULPS  (R11)(BX*4), Y7, Y1
	VADDPS  Y1, Y0, Y0
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ    $8, BX
	JMP     loop

done:
	VZEROUPPER
	RET


// func axpy4QAVX2(acc *float32, q0, q1, q2, q3 *int8, n int, x *[4]float32)
//
// As axpy4AVX2 with rows of int8: acc[k] = (((acc[k] + float32(q0[k])*x0)
// + float32(q1[k])*x1) + ...), eight k at a time; an int8 converts to
// float32 exactly.
TEXT ·axpy4QAVX2(SB), NOSPLIT, $0-56
	MOVQ acc+0(FP), DI
	MOVQ q0+8(FP), R8
	MOVQ q1+16(FP), R9
	MOVQ q2+24(FP), R10
	MOVQ q3+32(FP), R11
	MOVQ n+40(FP), CX
	MOVQ x+48(FP), AX
	VBROADCASTSS 0(AX), Y4
	VBROADCASTSS 4(AX), Y5
	VBROADCASTSS 8(AX), Y6
	VBROADCASTSS 12(AX), Y7
	XORQ BX, BX

qloop:
	CMPQ BX, CX
	JGE  qdone
	VMOVUPS   (DI)(BX*4), Y0
	VPMOVSXBD (R8)(BX*1), Y1
	VCVTDQ2PS Y1, Y1
	VMULPS    Y1, Y4, Y1
	VADDPS    Y1, Y0, Y0
	VPMOVSXBD (R9)(BX*1), Y1
	VCVTDQ2PS Y1, Y1
	VMULPS    Y1, Y5, Y1
	VADDPS    Y1, Y0, Y0
	VPMOVSXBD (R10)(BX*1), Y1
	VCVTDQ2PS Y1, Y1
	VMULPS    Y1, Y6, Y1
	VADDPS    Y1, Y0, Y0
	VPMOVSXBD (R11)(BX*1), Y1
	VCVTDQ2PS Y1, Y1
	VMULPS    Y1, Y7, Y1
	VADDPS    Y1, Y0, Y0
	VMOVUPS   Y0, (DI)(BX*4)
	ADDQ      $8, BX
	JMP       qloop

qdone:
	VZEROUPPER
	RET
