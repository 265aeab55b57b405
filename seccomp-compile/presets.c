/* presets.c: the built-in policies, written in the line format of
 * seccomp-compile(1).  `seccomp-compile --preset NAME` compiles one; a
 * policy can pull one in with `preset NAME`.  System call names here that
 * the installed libseccomp does not know are skipped silently. */
#include "sc.h"

#include <string.h>

/* What Flatpak's sandbox blocks for an ordinary (not --devel) app: new
 * namespaces and mounts, the kernel keyring, terminal input injection,
 * NUMA/VM introspection, unusual socket families and personalities.
 * clone3 and the new mount API return ENOSYS so that libc falls back to
 * calls whose arguments a filter can see. */
static const char flatpak[] =
	"default allow\n"
	"deny syslog uselib acct quotactl\n"
	"deny add_key keyctl request_key\n"
	"deny move_pages mbind get_mempolicy set_mempolicy migrate_pages\n"
	"deny unshare setns mount umount umount2 pivot_root chroot\n"
	"deny clone a0 & CLONE_NEWUSER == CLONE_NEWUSER\n"
	/* the kernel reads the ioctl number as 32 bits: mask the rest */
	"deny ioctl a1.lo32 == TIOCSTI\n"
	"deny ioctl a1.lo32 == TIOCLINUX\n"
	"deny clone3 errno ENOSYS\n"
	"deny open_tree move_mount fsopen fsconfig fsmount fspick "
	"mount_setattr errno ENOSYS\n"
	"deny modify_ldt perf_event_open ptrace\n"
	"deny personality\n"
	"allow personality a0 == PER_LINUX\n"
	/* socket families: AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6 and
	 * AF_NETLINK only (the family is an int: compare 32 bits) */
	"deny socket a0.lo32 == AF_AX25 errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_IPX errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_APPLETALK errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_NETROM errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_BRIDGE errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_ATMPVC errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_X25 errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_ROSE errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_DECnet errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_NETBEUI errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_SECURITY errno EAFNOSUPPORT\n"
	"deny socket a0.lo32 == AF_KEY errno EAFNOSUPPORT\n"
	"deny socket a0 > AF_NETLINK errno EAFNOSUPPORT\n";

/* Docker 20.10's default profile for an unprivileged container (no extra
 * capabilities) on x86_64, translated to the line format: an allow-list
 * with EPERM for everything else; clone only without namespace flags,
 * clone3 answered with ENOSYS so that libc falls back to clone. */
static const char docker_default[] =
	"default errno EPERM\n"
	"allow _llseek _newselect accept accept4 access adjtimex alarm bind brk\n"
	"allow capget capset chdir chmod chown chown32 clock_adjtime\n"
	"allow clock_adjtime64 clock_getres clock_getres_time64 clock_gettime\n"
	"allow clock_gettime64 clock_nanosleep clock_nanosleep_time64 close\n"
	"allow close_range connect copy_file_range creat dup dup2 dup3\n"
	"allow epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait\n"
	"allow epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve\n"
	"allow execveat exit exit_group faccessat faccessat2 fadvise64\n"
	"allow fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchown\n"
	"allow fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr\n"
	"allow flock fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs\n"
	"allow fstatfs64 fsync ftruncate ftruncate64 futex futex_time64\n"
	"allow futex_waitv futimesat get_robust_list get_thread_area getcpu\n"
	"allow getcwd getdents getdents64 getegid getegid32 geteuid geteuid32\n"
	"allow getgid getgid32 getgroups getgroups32 getitimer getpeername\n"
	"allow getpgid getpgrp getpid getppid getpriority getrandom getresgid\n"
	"allow getresgid32 getresuid getresuid32 getrlimit getrusage getsid\n"
	"allow getsockname getsockopt gettid gettimeofday getuid getuid32\n"
	"allow getxattr inotify_add_watch inotify_init inotify_init1\n"
	"allow inotify_rm_watch io_cancel io_destroy io_getevents io_pgetevents\n"
	"allow io_pgetevents_time64 io_setup io_submit io_uring_enter\n"
	"allow io_uring_register io_uring_setup ioctl ioprio_get ioprio_set ipc\n"
	"allow kill landlock_add_rule landlock_create_ruleset\n"
	"allow landlock_restrict_self lchown lchown32 lgetxattr link linkat\n"
	"allow listen listxattr llistxattr lremovexattr lseek lsetxattr lstat\n"
	"allow lstat64 madvise membarrier memfd_create memfd_secret mincore mkdir\n"
	"allow mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 mprotect\n"
	"allow mq_getsetattr mq_notify mq_open mq_timedreceive\n"
	"allow mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink\n"
	"allow mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap\n"
	"allow nanosleep newfstatat open openat openat2 pause pidfd_open\n"
	"allow pidfd_send_signal pipe pipe2 poll ppoll ppoll_time64 prctl pread64\n"
	"allow preadv preadv2 prlimit64 process_mrelease pselect6 pselect6_time64\n"
	"allow pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv\n"
	"allow recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages\n"
	"allow removexattr rename renameat renameat2 restart_syscall rmdir rseq\n"
	"allow rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo\n"
	"allow rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64\n"
	"allow rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min\n"
	"allow sched_getaffinity sched_getattr sched_getparam sched_getscheduler\n"
	"allow sched_rr_get_interval sched_rr_get_interval_time64\n"
	"allow sched_setaffinity sched_setattr sched_setparam sched_setscheduler\n"
	"allow sched_yield seccomp select semctl semget semop semtimedop\n"
	"allow semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto\n"
	"allow set_robust_list set_thread_area set_tid_address setfsgid\n"
	"allow setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups\n"
	"allow setgroups32 setitimer setpgid setpriority setregid setregid32\n"
	"allow setresgid setresgid32 setresuid setresuid32 setreuid setreuid32\n"
	"allow setrlimit setsid setsockopt setuid setuid32 setxattr shmat shmctl\n"
	"allow shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask\n"
	"allow sigreturn socket socketcall socketpair splice stat stat64 statfs\n"
	"allow statfs64 statx symlink symlinkat sync sync_file_range syncfs\n"
	"allow sysinfo tee tgkill time timer_create timer_delete timer_getoverrun\n"
	"allow timer_gettime timer_gettime64 timer_settime timer_settime64\n"
	"allow timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime\n"
	"allow timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask\n"
	"allow uname unlink unlinkat utime utimensat utimensat_time64 utimes\n"
	"allow vfork vmsplice wait4 waitid waitpid write writev\n"
	"allow ptrace process_vm_readv process_vm_writev\n"
	"allow arch_prctl modify_ldt\n"
	"allow personality a0 == PER_LINUX\n"
	"allow personality a0 == PER_LINUX32\n"
	"allow personality a0 == UNAME26\n"
	"allow personality a0 == PER_LINUX32|UNAME26\n"
	"allow personality a0 == PER_QUERY\n"
	"allow clone a0 & CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|"
	"CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET == 0\n"
	"deny clone3 errno ENOSYS\n";

/* For wrapping build steps: an allow-list built on systemd's
 * @system-service, with no network beyond AF_UNIX, no ptrace or access to
 * other processes' memory, no mounts, no new namespaces, no io_uring (its
 * operations bypass seccomp) and no terminal input injection.  Calls newer
 * than this libseccomp get ENOSYS so that libc fallbacks keep working. */
static const char build[] =
	"default errno EPERM\n"
	"unknown errno ENOSYS\n"
	"allow @system-service\n"
	"allow mincore seccomp landlock_create_ruleset landlock_add_rule "
	"landlock_restrict_self\n"
	"deny socket a0 != AF_UNIX errno EAFNOSUPPORT\n"
	"deny socketpair a0 != AF_UNIX errno EAFNOSUPPORT\n"
	"deny process_vm_readv process_vm_writev kcmp process_madvise "
	"userfaultfd\n"
	"deny @keyring\n"
	"deny unshare setns\n"
	"deny clone\n"
	"allow clone a0 & CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|"
	"CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|CLONE_NEWTIME == 0\n"
	"deny clone3 errno ENOSYS\n"
	"deny io_uring_setup io_uring_enter io_uring_register errno ENOSYS\n"
	"deny ioctl a1.lo32 == TIOCSTI\n"
	"deny ioctl a1.lo32 == TIOCLINUX\n"
	"deny personality\n"
	"allow personality a0 == PER_LINUX\n"
	"allow personality a0 == PER_LINUX32\n"
	"allow personality a0 == PER_QUERY\n";

static const struct sc_preset presets[] = {
	{ "flatpak", "what Flatpak blocks for an ordinary app (deny-list)",
	  flatpak },
	{ "docker-default", "Docker 20.10's default profile, no capabilities "
	  "(allow-list)", docker_default },
	{ "build", "strict allow-list for build steps: no network but AF_UNIX, "
	  "no ptrace, mounts or namespaces", build },
};

const struct sc_preset *sc_preset_find(const char *name)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

const struct sc_preset *sc_preset_at(size_t i)
{
	return i < sizeof(presets) / sizeof(presets[0]) ? &presets[i] : NULL;
}
