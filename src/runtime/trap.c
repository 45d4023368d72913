/* SPDX-License-Identifier: Apache-2.0 */
/*
** Traps: the fault handler that turns guest out-of-bounds accesses into
** traps, the protected entry into guest code, calls into host functions,
** and the wb_trap_t objects the API hands out.
**
** Fault recovery. rt_invoke records a sigjmp_buf in the thread-local rt_tls
** before running the interpreter, and the interpreter records the memory
** reservation it is using. A SIGSEGV/SIGBUS whose address lies in that
** reservation while a jump buffer is set is a guest access past the end of
** memory (the guard pages are PROT_NONE), so the handler jumps back to
** rt_invoke, which unwinds the frames the interpreter left in ex->frames.
** Any other fault is a real crash and goes to the previous handler or the
** default action. Host callbacks run with no jump buffer, so a fault in
** host code is never mistaken for a guest trap.
*/
#define _GNU_SOURCE /* pthread_getattr_np */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "aot/aot.h"
#include "runtime/rt.h"
#include "runtime/store.h"

_Thread_local rt_tls_t rt_tls;

/* {====================== Signal handling ======================} */

static struct sigaction old_segv, old_bus;
static pthread_once_t signals_once = PTHREAD_ONCE_INIT;
static pthread_key_t altstack_key;

/* Hands a fault that is not ours to whoever handled it before us. With no
   previous handler the default action is restored and the handler returns:
   the faulting instruction runs again and kills the process normally. */
static void chain_fault(int sig, siginfo_t *info, void *uctx) {
  const struct sigaction *old = sig == SIGBUS ? &old_bus : &old_segv;
  bool installed = old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN;
  if (installed && (old->sa_flags & SA_SIGINFO)) {
    old->sa_sigaction(sig, info, uctx);
  } else if (installed) {
    old->sa_handler(sig);
  } else {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
  }
}

/* Async-signal-safe: reads the thread-local state and either longjmps or
   chains. SA_NODEFER keeps the signal unblocked, so siglongjmp needs no
   saved mask. */
static void fault_handler(int sig, siginfo_t *info, void *uctx) {
  const uint8_t *addr = info->si_addr;
  if (rt_tls.jb && addr >= rt_tls.mem_lo && addr < rt_tls.mem_hi) siglongjmp(*rt_tls.jb, 1);
  chain_fault(sig, info, uctx);
}

/* Thread exit: drop the alternate stack before unmapping it. */
static void altstack_free(void *p) {
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, NULL);
  munmap(p, *(size_t *)p);
}

static void signals_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fault_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &old_segv);
  sigaction(SIGBUS, &sa, &old_bus);
  pthread_key_create(&altstack_key, altstack_free);
}

void rt_signals_init(void) { pthread_once(&signals_once, signals_install); }

#define RT_ALTSTACK_BYTES ((size_t)64 << 10)

/* Gives the calling thread an alternate signal stack, unless it has one
   (ours from an earlier call, or the embedder's/sanitizer's), so that the
   handler can run even when the fault is near the end of the C stack. */
static void ensure_altstack(void) {
  static _Thread_local bool done;
  if (done) return;
  done = true;
  rt_signals_init();
  stack_t cur;
  if (sigaltstack(NULL, &cur) != 0 || !(cur.ss_flags & SS_DISABLE)) return;
  void *p = mmap(NULL, RT_ALTSTACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED) return; /* faults still work on the normal stack */
  /* The first word records the size for altstack_free; the handler never
     reaches that far down. */
  *(size_t *)p = RT_ALTSTACK_BYTES;
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = (uint8_t *)p + 64;
  ss.ss_size = RT_ALTSTACK_BYTES - 64;
  if (sigaltstack(&ss, NULL) != 0) {
    munmap(p, RT_ALTSTACK_BYTES);
    return;
  }
  pthread_setspecific(altstack_key, p);
}

/* {====================== Native stack headroom ======================} */

/* Guest -> host -> guest re-entry nests C frames whose depth the guest
   chooses; past this much remaining native stack a new entry traps. */
#define RT_STACK_RESERVE ((size_t)256 * 1024)

/* Asked once per thread: glibc answers from /proc/self/maps for the main
   thread, which costs tens of microseconds. */
uintptr_t rt_stack_floor(size_t *size) {
  static _Thread_local uintptr_t floor_;
  static _Thread_local size_t size_;
  static _Thread_local bool known;
  if (!known) {
    known = true;
    pthread_attr_t attr;
    void *addr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      if (pthread_attr_getstack(&attr, &addr, &size_) == 0) floor_ = (uintptr_t)addr;
      pthread_attr_destroy(&attr);
    }
  }
  if (size) *size = size_;
  return floor_;
}

/* rt_invoke calls active on this thread: only a nested one (a host function
   calling back into a guest) can recurse on the native stack. */
static _Thread_local uint32_t invoke_nesting;

static bool native_stack_low(void) {
  if (!invoke_nesting) return false; /* the first entry needs no check */
  uintptr_t floor_ = rt_stack_floor(NULL);
  uintptr_t here = (uintptr_t)__builtin_frame_address(0);
  return floor_ && here - floor_ < RT_STACK_RESERVE;
}

/* {====================== Guest and host calls ======================} */

#define RT_SMALL_VALS 16

/* Converts sp[0..n) of the given kinds into vals. */
static void slots_to_vals(const wm_valtype_t *kinds, const rt_slot_t *sp, wb_val_t *vals,
                          uint32_t n) {
  for (uint32_t i = 0; i < n; i++) vals[i] = rt_val_from_slot(kinds[i], sp[i]);
}

/* Writes host results back. The declared kind wins over whatever the
   callback left in .kind, so a careless callback cannot confuse the guest
   about which union member holds the value. */
static void vals_to_slots(const wm_valtype_t *kinds, wb_val_t *vals, rt_slot_t *sp, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    vals[i].kind = (wb_valkind_t)kinds[i];
    sp[i] = rt_slot_from_val(vals[i]);
  }
}

/* Keeps a host's trap for rt_trap_from_exec and maps it to a code; codes
   outside the enum (a host inventing one) become WB_TRAP_HOST. */
static int keep_host_trap(rt_exec_t *ex, wb_trap_t *trap) {
  wb_trap_delete(ex->host_trap);
  ex->host_trap = trap;
  int code = (int)trap->code;
  if (code < WB_TRAP_UNREACHABLE || code > WB_TRAP_EXIT) trap->code = code = WB_TRAP_HOST;
  return code;
}

/* Calls host function f on behalf of inst (NULL: called from the host). */
static int call_host(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp, wb_instance_t *inst) {
  const wm_functype_t *t = f->type;
  uint32_t np = t->nparams, nr = t->nresults;
  wb_val_t small[2 * RT_SMALL_VALS];
  wb_val_t *args = small, *res = small + RT_SMALL_VALS;
  if (np > RT_SMALL_VALS || nr > RT_SMALL_VALS) {
    args = ut_malloc(sizeof *args * ((size_t)np + nr + 1));
    res = args + np;
  }
  slots_to_vals(t->types, sp, args, np);
  for (uint32_t i = 0; i < nr; i++) {
    res[i].kind = (wb_valkind_t)wm_result(t, i);
    res[i].of.i64 = 0;
  }
  /* A callback may call back into wasm: that call's frames go above our
     arguments and results. Host code runs unprotected (jb = NULL). */
  rt_slot_t *saved_sp = ex->sp;
  const rt_tls_t saved_tls = rt_tls;
  ex->sp = sp + (np > nr ? np : nr);
  rt_tls.jb = NULL;
  wb_caller_t caller = {f->store, inst};
  wb_trap_t *trap = f->cb(f->env, &caller, args, np, res, nr);
  rt_tls = saved_tls;
  ex->sp = saved_sp;
  int code = 0;
  if (trap)
    code = keep_host_trap(ex, trap);
  else
    vals_to_slots(t->types + np, res, sp, nr);
  if (args != small) free(args);
  return code;
}

/* The caller is the instance of the innermost wasm frame. */
int rt_call_host(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp) {
  const wb_func_t *top = ex->depth ? ex->frames[ex->depth - 1].func : NULL;
  return call_host(ex, f, sp, top ? top->inst : NULL);
}

int rt_call_host_from(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp, wb_instance_t *inst) {
  return call_host(ex, f, sp, inst);
}

/* Backtrace after a fault: the frames the interpreter had open, innermost
   first, down to the entry frame of this rt_invoke. */
static void capture_fault_trace(rt_exec_t *ex, uint32_t depth0) {
  ex->ntrace = 0;
  for (uint32_t d = ex->depth; d > depth0; d--)
    UT_PUSH(ex->trace, ex->ntrace, ex->trace_cap, ex->frames[d - 1].func);
}

int rt_invoke(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp) {
  /* A host function entered from the host (wb_func_call, a start function
     that is an import) has no calling instance, whatever frames are open
     below an enclosing callback. */
  if (!f->code) return call_host(ex, f, sp, NULL);
  ensure_altstack();
  if (native_stack_low()) {
    ex->ntrace = 0;
    return WB_TRAP_STACK_EXHAUSTED;
  }
  /* Set before sigsetjmp and never changed after it, so they survive the
     jump without volatile. Everything the interpreter changes lives in
     memory (ex, rt_tls), not in this frame. */
  const rt_tls_t saved = rt_tls;
  const uint32_t depth0 = ex->depth, nesting0 = invoke_nesting;
  rt_slot_t *const sp0 = ex->sp;
  /* AOT code (aot/glue.c) runs f when its module has some. */
  const bool aot = aot_ready(f);
  /* The deadline covers a whole top-level call, nested host calls included. */
  const bool timed = depth0 == 0 && ex->deadline_ns;
  const uint32_t dl = timed ? rt_deadline_arm(&ex->interrupt, ex->deadline_ns) : 0;
  sigjmp_buf jb;
  int code;
  if (sigsetjmp(jb, 0) == 0) {
    rt_tls.jb = &jb;
    rt_tls.trap_code = 0;
    invoke_nesting = nesting0 + 1;
    code = aot ? aot_run(ex, f, sp) : ip_run(ex, f, sp);
  } else if (rt_tls.trap_code) {
    /* A trap raised by AOT code; ex->trace holds any interpreter frames
       it unwound through. AOT frames are not recorded: only the entry. */
    code = rt_tls.trap_code;
    if (aot) UT_PUSH(ex->trace, ex->ntrace, ex->trace_cap, f);
    ex->depth = depth0;
    ex->sp = sp0;
  } else {
    code = WB_TRAP_MEMORY_OUT_OF_BOUNDS;
    capture_fault_trace(ex, depth0);
    if (aot) UT_PUSH(ex->trace, ex->ntrace, ex->trace_cap, f);
    ex->depth = depth0;
    ex->sp = sp0;
  }
  rt_tls = saved;
  invoke_nesting = nesting0;
  if (timed) rt_deadline_disarm(dl, &ex->interrupt);
  return code;
}

/* {====================== Trap objects ======================} */

/* Per code: the spec's wording (the trap's message) and a short kind name
   (what the CLI prints after "trap: "). */
static const struct {
  const char *message, *kind;
} trap_names[] = {
    [WB_TRAP_UNREACHABLE] = {"unreachable", "unreachable"},
    [WB_TRAP_MEMORY_OUT_OF_BOUNDS] = {"out of bounds memory access", "memory out of bounds"},
    [WB_TRAP_TABLE_OUT_OF_BOUNDS] = {"out of bounds table access", "table out of bounds"},
    [WB_TRAP_UNDEFINED_ELEMENT] = {"undefined element", "undefined element"},
    [WB_TRAP_UNINITIALIZED_ELEMENT] = {"uninitialized element", "uninitialized element"},
    [WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH] = {"indirect call type mismatch",
                                             "indirect call type mismatch"},
    [WB_TRAP_NULL_REFERENCE] = {"null reference", "null reference"},
    [WB_TRAP_INTEGER_DIVIDE_BY_ZERO] = {"integer divide by zero", "integer divide by zero"},
    [WB_TRAP_INTEGER_OVERFLOW] = {"integer overflow", "integer overflow"},
    [WB_TRAP_INVALID_CONVERSION] = {"invalid conversion to integer",
                                    "invalid conversion to integer"},
    [WB_TRAP_STACK_EXHAUSTED] = {"call stack exhausted", "stack overflow"},
    [WB_TRAP_OUT_OF_FUEL] = {"all fuel consumed", "out of fuel"},
    [WB_TRAP_INTERRUPT] = {"interrupted", "interrupt"},
    [WB_TRAP_HOST] = {"host trap", "host"},
    [WB_TRAP_EXIT] = {"exit", "exit"},
};

const char *rt_trap_message(int code) {
  if (code <= 0 || (size_t)code >= UT_COUNTOF(trap_names)) return "unknown trap";
  return trap_names[code].message;
}

const char *wb_trap_code_name(wb_trap_code_t code) {
  if ((int)code <= 0 || (size_t)code >= UT_COUNTOF(trap_names)) return "unknown";
  return trap_names[code].kind;
}

/* A NULL message takes the spec's wording for code. */
wb_trap_t *wb_trap_new(wb_trap_code_t code, const char *message) {
  wb_trap_t *t = ut_calloc(1, sizeof *t);
  if (!message) message = rt_trap_message((int)code);
  t->code = code;
  t->msg = ut_strndup(message, strlen(message));
  return t;
}

wb_trap_t *wb_trap_new_exit(int32_t status) {
  wb_trap_t *t = wb_trap_new(WB_TRAP_EXIT, NULL);
  t->exit_status = status;
  return t;
}

bool wb_trap_exit_status(const wb_trap_t *trap, int32_t *status) {
  if (trap->code != WB_TRAP_EXIT) return false;
  if (status) *status = trap->exit_status;
  return true;
}

wb_trap_code_t wb_trap_code(const wb_trap_t *trap) { return trap->code; }
const char *wb_trap_message(const wb_trap_t *trap) { return trap->msg; }
size_t wb_trap_frame_count(const wb_trap_t *trap) { return trap->nframes; }

/* Out-of-range frames read as index UINT32_MAX with no name. */
uint32_t wb_trap_frame_func_index(const wb_trap_t *trap, size_t i) {
  return i < trap->nframes ? trap->func_index[i] : UINT32_MAX;
}

const char *wb_trap_frame_func_name(const wb_trap_t *trap, size_t i) {
  return i < trap->nframes ? trap->func_name[i] : NULL;
}

void wb_trap_delete(wb_trap_t *trap) {
  if (!trap) return;
  free(trap->msg);
  free(trap->func_index);
  free(trap->func_name);
  free(trap);
}

/* Replaces t's backtrace with the wasm functions in ex->trace. */
static void attach_backtrace(wb_trap_t *t, const rt_exec_t *ex) {
  free(t->func_index);
  free(t->func_name);
  t->func_index = ut_malloc(sizeof *t->func_index * (ex->ntrace + 1));
  t->func_name = ut_malloc(sizeof *t->func_name * (ex->ntrace + 1));
  t->nframes = 0;
  for (uint32_t i = 0; i < ex->ntrace; i++) {
    const wb_func_t *f = ex->trace[i];
    if (!f || !f->inst || !f->code) continue; /* host functions have no wasm frame */
    const wm_module_t *m = f->inst->m;
    const char *name = NULL;
    if (m && m->names.funcs && f->index < m->nfuncs) name = m->names.funcs[f->index];
    t->func_index[t->nframes] = f->index;
    t->func_name[t->nframes] = name;
    t->nframes++;
  }
}

/* A kept host trap is used only if its code is the one being raised: a
   stale one (never consumed) must not stand in for a different trap. */
wb_trap_t *rt_trap_from_exec(rt_exec_t *ex, int code) {
  wb_trap_t *t = ex->host_trap;
  ex->host_trap = NULL;
  if (t && (int)t->code != code) {
    wb_trap_delete(t);
    t = NULL;
  }
  if (!t && code == WB_TRAP_INTERRUPT && ex->interrupt_reason == RT_INTR_DEADLINE)
    t = wb_trap_new(WB_TRAP_INTERRUPT, "deadline exceeded");
  if (!t) t = wb_trap_new((wb_trap_code_t)code, NULL);
  attach_backtrace(t, ex);
  /* Every instance the trap unwound through may hold half-done updates. */
  for (uint32_t i = 0; i < ex->ntrace; i++)
    if (ex->trace[i] && ex->trace[i]->inst) ex->trace[i]->inst->poisoned = true;
  ex->ntrace = 0;
  return t;
}
