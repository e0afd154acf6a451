/*
 * modem_shim: an LD_PRELOAD library that lets libserialport open a pseudo-terminal.
 *
 * Build: cc -shared -fPIC -o modem_shim.so modem_shim.c -ldl
 * Use:   LD_PRELOAD=./modem_shim.so registerd --transport libserialport --device /dev/pts/N
 *        (libserialport also needs /sys/class/tty/pts/N to be a symlink; see
 *        Tests/LibSerialPortTests/NamespaceHarness.swift.)
 *
 * A pty has no modem lines, so the kernel answers TIOCMGET/TIOCMSET/TIOCMBIS/TIOCMBIC with ENOTTY
 * and sp_open() fails. This shim forwards every ioctl to the real one (dlsym(RTLD_NEXT)); only
 * when a modem-line request fails with ENOTTY or EINVAL on a terminal does it answer itself, from
 * one emulated line state (DTR, RTS, CTS, DSR and CD up; RI down) that TIOCMSET/TIOCMBIS/TIOCMBIC
 * change and TIOCMGET reports. Real serial devices are not affected: their ioctls succeed first.
 * Set MODEM_SHIM_TRACE=1 to log each emulated request on stderr.
 *
 * Test tooling only: never preload this in production.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

static int emulated_lines = TIOCM_DTR | TIOCM_RTS | TIOCM_CTS | TIOCM_DSR | TIOCM_CD;

static ioctl_fn real_ioctl(void) {
    static ioctl_fn next;
    if (!next) next = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
    return next;
}

static int is_modem_request(unsigned long request) {
    return request == TIOCMGET || request == TIOCMSET || request == TIOCMBIS || request == TIOCMBIC;
}

static void trace(const char *what, int fd, int lines) {
    const char *flag = getenv("MODEM_SHIM_TRACE");
    if (flag && *flag == '1') fprintf(stderr, "modem_shim: %s fd %d lines 0x%03x\n", what, fd, lines);
}

int ioctl(int fd, unsigned long request, ...) {
    va_list args;
    va_start(args, request);
    void *argument = va_arg(args, void *);
    va_end(args);

    ioctl_fn next = real_ioctl();
    if (!next) {
        errno = ENOSYS;
        return -1;
    }
    int saved = errno;
    int result = next(fd, request, argument);
    if (result == 0 || !is_modem_request(request) || (errno != ENOTTY && errno != EINVAL)) return result;
    int failure = errno;
    if (!isatty(fd)) {
        errno = failure;
        return result;
    }
    int *lines = (int *)argument;
    if (!lines) {
        errno = EFAULT;
        return -1;
    }
    switch (request) {
    case TIOCMGET: *lines = emulated_lines; trace("TIOCMGET", fd, emulated_lines); break;
    case TIOCMSET: emulated_lines = *lines; trace("TIOCMSET", fd, emulated_lines); break;
    case TIOCMBIS: emulated_lines |= *lines; trace("TIOCMBIS", fd, emulated_lines); break;
    case TIOCMBIC: emulated_lines &= ~*lines; trace("TIOCMBIC", fd, emulated_lines); break;
    }
    errno = saved;
    return 0;
}
