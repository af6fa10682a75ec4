/* regs_armv8m.h — the Cortex-M33 system registers the ARMv8-M ports touch (System Control
 * Space), shared by every port so each address is written down once.
 *
 * Written from Arm's Armv8-M Architecture Reference Manual (DDI 0553), chapter D1 "Register
 * specification", and the Cortex-M33 TRM (100230) for the implementation choices (FPB with
 * 8 instruction comparators, DWT with 4 comparators, 8 SAU regions, 4 priority bits on the
 * STM32U5). Addresses are the Secure view; the Non-secure view of the banked SCS registers is
 * at +0x20000 (DDI 0553, the SCS Non-secure alias). Register values that
 * need more than a bit (FPB comparators, DWT MATCH/ACTION) are built by the STM32U585 port's
 * dbg_encode.c, which is unit-tested on the host. Depends on nothing. */
#ifndef TT_REGS_ARMV8M_H
#define TT_REGS_ARMV8M_H

#define SCS_NS_OFFSET 0x00020000u  /* SCS_NS alias: the Non-secure bank of SCS registers */

/* ---- SysTick (DDI 0553 D1.2: SYST_CSR, SYST_RVR, SYST_CVR). */
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u

/* ---- NVIC (DDI 0553 D1.2: NVIC_ISERn, NVIC_ICPRn, NVIC_IPRn, NVIC_ITNSn). */
#define NVIC_ISER(n) (0xE000E100u + 4u * (n))
#define NVIC_ICER(n) (0xE000E180u + 4u * (n))
#define NVIC_ICPR(n) (0xE000E280u + 4u * (n))
#define NVIC_ITNS(n) (0xE000E380u + 4u * (n)) /* 1 = interrupt targets Non-secure */
#define NVIC_IPR(n) (0xE000E400u + (n))        /* byte per interrupt */

/* ---- SCB (DDI 0553 D1.2: ICSR, VTOR, AIRCR, SCR, SHPR1-3, SHCSR, CFSR, HFSR, DFSR, MMFAR,
 * BFAR, SFSR, SFAR). */
#define SCB_ICSR 0xE000ED04u
#define ICSR_PENDSVSET (1u << 28)
#define SCB_VTOR 0xE000ED08u
#define SCB_AIRCR 0xE000ED0Cu
#define AIRCR_VECTKEY (0x05FAu << 16)
#define AIRCR_PRIS (1u << 14)      /* Non-secure exceptions in the lower-priority half */
#define AIRCR_BFHFNMINS (1u << 13) /* 0: BusFault/HardFault/NMI stay Secure */
#define AIRCR_SYSRESETREQS (1u << 3)
#define AIRCR_SYSRESETREQ (1u << 2)
#define SCB_SCR 0xE000ED10u
#define SCB_CCR 0xE000ED14u
#define SCB_SHPR1 0xE000ED18u      /* MemManage 4, BusFault 5, UsageFault 6, SecureFault 7 */
#define SCB_SHPR2 0xE000ED1Cu      /* SVCall 11 in [31:24] */
#define SCB_SHPR3 0xE000ED20u      /* DebugMonitor 12 [7:0], PendSV 14 [23:16], SysTick 15 [31:24] */
#define SCB_SHCSR 0xE000ED24u
#define SHCSR_MONITORACT (1u << 8)
#define SHCSR_SECUREFAULTENA (1u << 19)
#define SCB_CFSR 0xE000ED28u
#define SCB_HFSR 0xE000ED2Cu
#define HFSR_DEBUGEVT (1u << 31)  /* a debug event escalated (monitor not allowed) */
#define SCB_DFSR 0xE000ED30u       /* debug fault status, write 1 to clear */
#define DFSR_HALTED (1u << 0)      /* a step (MON_STEP) completed */
#define DFSR_BKPT (1u << 1)        /* BKPT instruction or FPB match */
#define DFSR_DWTTRAP (1u << 2)     /* DWT watchpoint */
#define DFSR_VCATCH (1u << 3)
#define DFSR_EXTERNAL (1u << 4)
#define SCB_MMFAR 0xE000ED34u
#define SCB_BFAR 0xE000ED38u
#define SCB_SFSR 0xE000EDE4u
#define SCB_SFAR 0xE000EDE8u

/* ---- SAU (DDI 0553 D1.2: SAU_CTRL, SAU_TYPE, SAU_RNR, SAU_RBAR, SAU_RLAR). */
#define SAU_CTRL 0xE000EDD0u
#define SAU_TYPE 0xE000EDD4u       /* SREGION[7:0]: number of regions */
#define SAU_RNR 0xE000EDD8u
#define SAU_RBAR 0xE000EDDCu
#define SAU_RLAR 0xE000EDE0u
#define SAU_RLAR_ENABLE (1u << 0)
#define SAU_RLAR_NSC (1u << 1)

/* ---- Debug control block (DDI 0553 D1.2: DHCSR, DEMCR, DAUTHCTRL, DSCSR). */
#define DCB_DHCSR 0xE000EDF0u
#define DHCSR_C_DEBUGEN (1u << 0)  /* halting debug enabled by a probe: the monitor stays idle */
#define DCB_DEMCR 0xE000EDFCu
#define DEMCR_MON_EN (1u << 16)
#define DEMCR_MON_PEND (1u << 17)
#define DEMCR_MON_STEP (1u << 18)
#define DEMCR_MON_REQ (1u << 19)
#define DEMCR_SDME (1u << 20)      /* RO: DebugMonitor targets Secure (follows DAUTHCTRL) */
#define DEMCR_TRCENA (1u << 24)    /* DWT enable */
#define DCB_DAUTHCTRL 0xE000EE04u
#define DAUTHCTRL_SPIDENSEL (1u << 0) /* use INTSPIDEN instead of the SPIDEN signal */
#define DAUTHCTRL_INTSPIDEN (1u << 1)
#define DAUTHCTRL_SPNIDENSEL (1u << 2)
#define DAUTHCTRL_INTSPNIDEN (1u << 3)

/* ---- FPB, version 2 (DDI 0553 D1.2: FP_CTRL, FP_REMAP, FP_COMPn). */
#define FPB_CTRL 0xE0002000u
#define FPB_COMP(n) (0xE0002008u + 4u * (n))

/* ---- DWT (DDI 0553 D1.2: DWT_CTRL, DWT_COMPn, DWT_FUNCTIONn; no DWT_MASKn in Armv8-M). */
#define DWT_CTRL 0xE0001000u       /* NUMCOMP[31:28] */
#define DWT_COMP(n) (0xE0001020u + 16u * (n))
#define DWT_FUNCTION(n) (0xE0001028u + 16u * (n))

#endif
