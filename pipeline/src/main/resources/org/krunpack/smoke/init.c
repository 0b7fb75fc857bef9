/*
 * krunpack smoke init: the guest's /init (PID 1) for `krunpack smoke`.
 *
 * Prints a start marker, probes what a libkrun guest needs and prints one
 * "KRUNPACK-REPORT key=value" line per fact, then an end marker, then ends
 * the VM through QEMU's isa-debug-exit port (0xf4; QEMU exits with
 * (value << 1) | 1) when the kernel allows ioperm, else with reboot().
 * Under libkrun (not PID 1) it just exits.
 * The host decides what passes: this program only reports.
 *
 * Build: gcc -static -Os -o init init.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#define HAVE_IOPORTS 1
#else
#define HAVE_IOPORTS 0 /* aarch64, riscv64: no I/O ports, the VM ends by reboot */
#endif
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define EXIT_PORT 0xf4
#define EXIT_DONE 0x10 /* QEMU exit status 33 */

static void report(const char *key, const char *fmt, ...)
{
    char value[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    /* one line per fact: no newline may leak into a value */
    for (char *p = value; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    printf("KRUNPACK-REPORT %s=%s\n", key, value);
    fflush(stdout);
}

static const char *err_name(int e)
{
    const char *n = strerrorname_np(e);
    return n ? n : "EUNKNOWN";
}

/* Reads a small file into buf (NUL-terminated, trailing newline removed). */
static int read_file(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    ssize_t n = read(fd, buf, len - 1);
    int e = errno;
    close(fd);
    if (n < 0) {
        return -e;
    }
    buf[n] = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) {
        buf[--n] = 0;
    }
    return 0;
}

static void mount_one(const char *src, const char *dir, const char *type, const char *key)
{
    mkdir(dir, 0755);
    if (mount(src, dir, type, 0, NULL) == 0 || errno == EBUSY) {
        report(key, "mounted");
    } else {
        report(key, "%s", err_name(errno));
    }
}

static void ensure_console(void)
{
    if (fcntl(1, F_GETFD) >= 0) {
        return;
    }
    int fd = open("/dev/console", O_RDWR);
    if (fd < 0) {
        fd = open("/dev/hvc0", O_RDWR);
    }
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
    }
}

static void linux_version(void)
{
    int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
    if (size <= 0) {
        report("linux_version", "-");
        return;
    }
    char *buf = malloc((size_t)size + 1);
    int n = buf ? klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size) : -1;
    if (n <= 0) {
        report("linux_version", "-");
        free(buf);
        return;
    }
    buf[n] = 0;
    char *line = strstr(buf, "Linux version ");
    if (line == NULL) {
        report("linux_version", "-");
    } else {
        char *end = strchr(line, '\n');
        if (end) {
            *end = 0;
        }
        report("linux_version", "%s", line);
    }
    free(buf);
}

static void meminfo(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    long total = -1, avail = -1;
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "MemTotal: %ld kB", &total);
        sscanf(line, "MemAvailable: %ld kB", &avail);
    }
    if (f) {
        fclose(f);
    }
    report("mem_total_kb", "%ld", total);
    report("mem_available_kb", "%ld", avail);
}

static void virtio(void)
{
    DIR *d = opendir("/sys/bus/virtio/devices");
    struct dirent *e;
    char path[512], id[64], link[256];
    int count = 0;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof path, "/sys/bus/virtio/devices/%s/device", e->d_name);
        if (read_file(path, id, sizeof id) != 0) {
            strcpy(id, "?");
        }
        snprintf(path, sizeof path, "/sys/bus/virtio/devices/%s/driver", e->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        const char *driver = "-";
        if (n > 0) {
            link[n] = 0;
            char *slash = strrchr(link, '/');
            driver = slash ? slash + 1 : link;
        }
        char key[320];
        snprintf(key, sizeof key, "virtio.%s", e->d_name);
        report(key, "%ld %s", strtol(id, NULL, 0), driver);
        count++;
    }
    if (d) {
        closedir(d);
    }
    report("virtio_count", "%d", count);

    char list[2048] = "";
    d = opendir("/sys/bus/virtio/drivers");
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (list[0]) {
            strncat(list, ",", sizeof list - strlen(list) - 1);
        }
        strncat(list, e->d_name, sizeof list - strlen(list) - 1);
    }
    if (d) {
        closedir(d);
    }
    report("virtio_drivers", "%s", list);
}

static void filesystems(void)
{
    FILE *f = fopen("/proc/filesystems", "r");
    char line[128], list[2048] = "";
    while (f && fgets(line, sizeof line, f)) {
        char *name = strrchr(line, '\t');
        name = name ? name + 1 : line;
        name[strcspn(name, "\n")] = 0;
        if (list[0]) {
            strncat(list, ",", sizeof list - strlen(list) - 1);
        }
        strncat(list, name, sizeof list - strlen(list) - 1);
    }
    if (f) {
        fclose(f);
    }
    report("filesystems", "%s", list);
}

static void namespaces(void)
{
    static const struct { const char *name; int flag; } ns[] = {
        {"uts", CLONE_NEWUTS}, {"ipc", CLONE_NEWIPC}, {"pid", CLONE_NEWPID},
        {"net", CLONE_NEWNET}, {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},
        {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
    };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        char key[32];
        snprintf(key, sizeof key, "ns.%s", ns[i].name);
        pid_t pid = fork();
        if (pid == 0) {
            _exit(unshare(ns[i].flag) == 0 ? 0 : (errno & 0xff));
        }
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
            report(key, "fork-failed");
        } else if (WEXITSTATUS(status) == 0) {
            report(key, "ok");
        } else {
            report(key, "%s", err_name(WEXITSTATUS(status)));
        }
    }
}

static void seccomp(void)
{
    int r = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    report("seccomp.prctl", "%s", r >= 0 ? "ok" : err_name(errno));
    char buf[512];
    int e = read_file("/proc/sys/kernel/seccomp/actions_avail", buf, sizeof buf);
    report("seccomp.actions", "%s", e == 0 ? buf : err_name(-e));
}

static void vsock(void)
{
    int fd = socket(AF_VSOCK, SOCK_STREAM, 0);
    report("vsock", "%s", fd >= 0 ? "ok" : err_name(errno));
    if (fd >= 0) {
        close(fd);
    }
}

/*
 * socket(2) for the address families a libkrun guest uses, by number (libkrunfw's TSI families
 * have no libc constant): socket.<family>.<type>=ok|<errno>. 40 is AF_VSOCK; 46, 47 and 48 are
 * AF_TSI, AF_TSI6 and AF_TSIU (TSI, libkrun's transparent socket impersonation).
 */
static void sockets(void)
{
    static const int families[] = {40, 46, 47, 48};
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM};
    for (unsigned i = 0; i < sizeof families / sizeof families[0]; i++) {
        for (unsigned j = 0; j < sizeof types / sizeof types[0]; j++) {
            char key[64];
            snprintf(key, sizeof key, "socket.%d.%d", families[i], types[j]);
            int fd = socket(families[i], types[j], 0);
            report(key, "%s", fd >= 0 ? "ok" : err_name(errno));
            if (fd >= 0) {
                close(fd);
            }
        }
    }
}

/*
 * TSI's hijack mode (the tsi_hijack kernel parameter, writable at run time): with it on, an
 * AF_INET stream socket is created as a TSI socket. No host peer is needed to create one.
 * tsi.hijack=af-<family of the socket made> | no-parameter | <errno>.
 */
static void tsi_hijack(void)
{
    const char *param = "/sys/module/kernel/parameters/tsi_hijack";
    int pf = open(param, O_WRONLY);
    if (pf < 0) {
        report("tsi.hijack", "%s", errno == ENOENT ? "no-parameter" : err_name(errno));
        return;
    }
    if (write(pf, "Y", 1) != 1) {
        report("tsi.hijack", "%s", err_name(errno));
        close(pf);
        return;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        report("tsi.hijack", "%s", err_name(errno));
    } else {
        int domain = -1;
        socklen_t len = sizeof domain;
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0) {
            report("tsi.hijack", "af-%d", domain);
        } else {
            report("tsi.hijack", "%s", err_name(errno));
        }
        close(fd);
    }
    if (lseek(pf, 0, SEEK_SET) < 0 || write(pf, "N", 1) != 1) {
        report("tsi.hijack.reset", "%s", err_name(errno));
    }
    close(pf);
}

/* Paths listed in /krunpack-files (one per line) are reported as file.<path>=yes|no. */
static void files(void)
{
    FILE *f = fopen("/krunpack-files", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] != '/') {
            continue;
        }
        char key[600];
        snprintf(key, sizeof key, "file.%s", line);
        report(key, "%s", access(line, F_OK) == 0 ? "yes" : "no");
    }
    if (f) {
        fclose(f);
    }
}

int main(void)
{
    ensure_console();
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("KRUNPACK-SMOKE-START\n");
    fflush(stdout);
    int pid1 = getpid() == 1;
    report("pid", "%d", (int)getpid());

    mount_one("proc", "/proc", "proc", "mount.proc");
    mount_one("sysfs", "/sys", "sysfs", "mount.sys");
    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) == 0 || errno == EBUSY) {
        report("mount.dev", "devtmpfs");
    } else if (mount("tmpfs", "/dev", "tmpfs", 0, NULL) == 0) {
        report("mount.dev", "tmpfs");
    } else {
        report("mount.dev", "%s", err_name(errno));
    }
    mount_one("tmpfs", "/tmp", "tmpfs", "mount.tmp");
    mount_one("cgroup2", "/sys/fs/cgroup", "cgroup2", "cgroup2");
    char buf[1024];
    report("cgroup2.controllers", "%s",
           read_file("/sys/fs/cgroup/cgroup.controllers", buf, sizeof buf) == 0 ? buf : "-");

    struct utsname u;
    if (uname(&u) == 0) {
        report("release", "%s", u.release);
        report("version", "%s", u.version);
        report("machine", "%s", u.machine);
    }
    linux_version();
    meminfo();
    virtio();
    filesystems();
    namespaces();
    seccomp();
    vsock();
    sockets();
    tsi_hijack();
    files();
    report("uptime", "%s", read_file("/proc/uptime", buf, sizeof buf) == 0 ? buf : "-");
    /* how this VM will end: isa-debug-exit needs ioperm (CONFIG_X86_IOPL_IOPERM), which
     * libkrunfw-style kernels leave out; then reboot (reboot=t and -no-reboot end QEMU, status 0) */
#if HAVE_IOPORTS
    int port = pid1 && ioperm(EXIT_PORT, 4, 1) == 0;
#else
    int port = 0;
    errno = ENOSYS;
#endif
    if (port) {
        report("exit_via", "isa-debug-exit");
    } else if (pid1) {
        report("exit_via", HAVE_IOPORTS ? "reboot (ioperm: %s)" : "reboot (no I/O ports on this arch: %s)",
               err_name(errno));
    } else {
        report("exit_via", "exit");
    }
    printf("KRUNPACK-SMOKE-END\n");
    fflush(stdout);
    sync();

    if (!pid1) {
        return 0;
    }
#if HAVE_IOPORTS
    if (port) {
        outb(EXIT_DONE, EXIT_PORT);
    }
#endif
    reboot(RB_AUTOBOOT);
    for (;;) {
        pause();
    }
}
