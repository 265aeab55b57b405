/* consts.c: named constants a policy may use as argument values or
 * errno numbers.  The values come from the system headers at build time, so
 * they match the kernel ABI of the build host's architecture. */
#include "sc.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <linux/sched.h>

struct sc_const {
	const char *name;
	uint64_t value;
};

#define C(x) { #x, (uint64_t)(x) }

static const struct sc_const consts[] = {
	/* clone(2) flags */
	C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND),
	C(CLONE_PIDFD), C(CLONE_PTRACE), C(CLONE_VFORK), C(CLONE_PARENT),
	C(CLONE_THREAD), C(CLONE_NEWNS), C(CLONE_SYSVSEM), C(CLONE_SETTLS),
	C(CLONE_PARENT_SETTID), C(CLONE_CHILD_CLEARTID), C(CLONE_DETACHED),
	C(CLONE_UNTRACED), C(CLONE_CHILD_SETTID), C(CLONE_NEWCGROUP),
	C(CLONE_NEWUTS), C(CLONE_NEWIPC), C(CLONE_NEWUSER), C(CLONE_NEWPID),
	C(CLONE_NEWNET), C(CLONE_IO), C(CLONE_NEWTIME),
	/* terminal ioctls that inject input or reach the console */
	C(TIOCSTI), C(TIOCLINUX), C(TIOCCONS), C(TIOCSETD), C(TIOCSCTTY),
	C(TIOCGWINSZ), C(TIOCSWINSZ), C(TCGETS), C(TCSETS), C(FIONREAD),
	C(FIONBIO), C(FIOCLEX), C(FIONCLEX),
	/* socket families */
	C(AF_UNSPEC), C(AF_UNIX), C(AF_LOCAL), C(AF_INET), C(AF_AX25),
	C(AF_IPX), C(AF_APPLETALK), C(AF_NETROM), C(AF_BRIDGE), C(AF_ATMPVC),
	C(AF_X25), C(AF_INET6), C(AF_ROSE), C(AF_DECnet), C(AF_NETBEUI),
	C(AF_SECURITY), C(AF_KEY), C(AF_NETLINK), C(AF_PACKET), C(AF_ASH),
	C(AF_ECONET), C(AF_ATMSVC), C(AF_RDS), C(AF_SNA), C(AF_IRDA),
	C(AF_PPPOX), C(AF_WANPIPE), C(AF_LLC), C(AF_IB), C(AF_MPLS),
	C(AF_CAN), C(AF_TIPC), C(AF_BLUETOOTH), C(AF_IUCV), C(AF_RXRPC),
	C(AF_ISDN), C(AF_PHONET), C(AF_IEEE802154), C(AF_CAIF), C(AF_ALG),
	C(AF_NFC), C(AF_VSOCK), C(AF_KCM), C(AF_QIPCRTR), C(AF_SMC),
	C(AF_XDP), C(AF_MCTP), C(AF_MAX),
	/* socket types */
	C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_RDM),
	C(SOCK_SEQPACKET), C(SOCK_PACKET), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
	/* personality(2) */
	C(PER_LINUX), C(PER_LINUX_32BIT), C(PER_LINUX32), C(UNAME26),
	C(ADDR_NO_RANDOMIZE), C(READ_IMPLIES_EXEC), C(ADDR_LIMIT_32BIT),
	{ "PER_QUERY", 0xffffffffu },
};

#define E(x) { #x, x }

static const struct { const char *name; int value; } errnos[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM),
	E(ERANGE), E(ENOSYS), E(ENOTSUP), E(EOPNOTSUPP), E(EAFNOSUPPORT),
	E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EADDRNOTAVAIL),
	E(ENETUNREACH), E(ECONNREFUSED), E(ENODATA), E(ETIMEDOUT),
	E(ENOTCONN), E(EILSEQ), E(ENOLINK), E(ENOMSG), E(ENOKEY),
};

bool sc_const_lookup(const char *name, uint64_t *value)
{
	for (size_t i = 0; i < sizeof(consts) / sizeof(consts[0]); i++)
		if (strcmp(consts[i].name, name) == 0) {
			*value = consts[i].value;
			return true;
		}
	return false;
}

/* Errno names are matched case-insensitively: `errno eperm` reads fine. */
bool sc_errno_lookup(const char *name, int *value)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcasecmp(errnos[i].name, name) == 0) {
			*value = errnos[i].value;
			return true;
		}
	return false;
}
