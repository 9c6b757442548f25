#ifndef RECDECK_CNCURSESW_SHIM_H
#define RECDECK_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config -D flags: define the wide-character switches here (DESIGN §1).
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <signal.h>
#include <ncursesw/curses.h>

// Swift 6 rejects C globals and attribute macros: expose them through inline accessors.
static inline WINDOW *rd_stdscr(void) { return stdscr; }
static inline int rd_lines(void) { return LINES; }
static inline int rd_cols(void) { return COLS; }
static inline int rd_color_pairs(void) { return COLOR_PAIRS; }
static inline int rd_colors(void) { return COLORS; }
static inline attr_t rd_a_bold(void) { return A_BOLD; }
static inline attr_t rd_a_dim(void) { return A_DIM; }
static inline attr_t rd_a_reverse(void) { return A_REVERSE; }
static inline attr_t rd_a_underline(void) { return A_UNDERLINE; }
static inline int rd_key_resize(void) { return KEY_RESIZE; }
static inline int rd_key_f(int n) { return KEY_F(n); }
static inline void rd_setlocale(void) { setlocale(LC_ALL, ""); }
static inline attr_t rd_a_normal(void) { return A_NORMAL; }

// Restores the terminal on a fatal signal (SIGINT/SIGTERM/SIGHUP from outside, or a crash), then lets
// the signal do what it would have done.
static void rd_restore_on_signal(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}
static inline void rd_install_signal_handlers(void) {
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], rd_restore_on_signal);
}
#endif
