/* Mount options as runc and crun accept them, turned into mount(2) flags,
 * propagation, mount_setattr(2) attributes and the leftover fs data. */
#include "namespaces/mount_options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/util.h"
#include "namespaces/mount_attr.h"


enum option_kind {
        OPT_SET,          /* MS_* flag to set */
        OPT_CLEAR,        /* MS_* flag to clear */
        OPT_PROPAGATION,  /* MS_SHARED ... (| MS_REC) */
        OPT_ATTR_SET,     /* MOUNT_ATTR_* to set recursively */
        OPT_ATTR_CLEAR,   /* MOUNT_ATTR_* to clear recursively */
        OPT_ATIME,        /* one value of the MOUNT_ATTR__ATIME field */
        OPT_BIND,
        OPT_RBIND,
        OPT_IDMAP,
        OPT_RIDMAP,
        OPT_COPY_SYMLINK,
        OPT_IGNORE,
};

struct option_def {
        const char *name;
        enum option_kind kind;
        unsigned long value;
};

static const struct option_def options[] = {
        { "defaults",       OPT_IGNORE,      0 },
        { "ro",             OPT_SET,         MS_RDONLY },
        { "rw",             OPT_CLEAR,       MS_RDONLY },
        { "nosuid",         OPT_SET,         MS_NOSUID },
        { "suid",           OPT_CLEAR,       MS_NOSUID },
        { "nodev",          OPT_SET,         MS_NODEV },
        { "dev",            OPT_CLEAR,       MS_NODEV },
        { "noexec",         OPT_SET,         MS_NOEXEC },
        { "exec",           OPT_CLEAR,       MS_NOEXEC },
        { "sync",           OPT_SET,         MS_SYNCHRONOUS },
        { "async",          OPT_CLEAR,       MS_SYNCHRONOUS },
        { "dirsync",        OPT_SET,         MS_DIRSYNC },
        { "remount",        OPT_SET,         MS_REMOUNT },
        { "mand",           OPT_SET,         MS_MANDLOCK },
        { "nomand",         OPT_CLEAR,       MS_MANDLOCK },
        { "noatime",        OPT_SET,         MS_NOATIME },
        { "atime",          OPT_CLEAR,       MS_NOATIME },
        { "nodiratime",     OPT_SET,         MS_NODIRATIME },
        { "diratime",       OPT_CLEAR,       MS_NODIRATIME },
        { "relatime",       OPT_SET,         MS_RELATIME },
        { "norelatime",     OPT_CLEAR,       MS_RELATIME },
        { "strictatime",    OPT_SET,         MS_STRICTATIME },
        { "nostrictatime",  OPT_CLEAR,       MS_STRICTATIME },
        { "iversion",       OPT_SET,         MS_I_VERSION },
        { "noiversion",     OPT_CLEAR,       MS_I_VERSION },
        { "lazytime",       OPT_SET,         MS_LAZYTIME },
        { "nolazytime",     OPT_CLEAR,       MS_LAZYTIME },
        { "nosymfollow",    OPT_SET,         MS_NOSYMFOLLOW },
        { "symfollow",      OPT_CLEAR,       MS_NOSYMFOLLOW },
        { "silent",         OPT_SET,         MS_SILENT },
        { "loud",           OPT_CLEAR,       MS_SILENT },

        { "bind",           OPT_BIND,        0 },
        { "rbind",          OPT_RBIND,       0 },

        { "shared",         OPT_PROPAGATION, MS_SHARED },
        { "rshared",        OPT_PROPAGATION, MS_SHARED | MS_REC },
        { "slave",          OPT_PROPAGATION, MS_SLAVE },
        { "rslave",         OPT_PROPAGATION, MS_SLAVE | MS_REC },
        { "private",        OPT_PROPAGATION, MS_PRIVATE },
        { "rprivate",       OPT_PROPAGATION, MS_PRIVATE | MS_REC },
        { "unbindable",     OPT_PROPAGATION, MS_UNBINDABLE },
        { "runbindable",    OPT_PROPAGATION, MS_UNBINDABLE | MS_REC },

        /* The recursive forms need mount_setattr(AT_RECURSIVE) (Linux 5.12):
         * mount(2) flags only ever apply to the top mount of a tree. */
        { "rro",            OPT_ATTR_SET,    MOUNT_ATTR_RDONLY },
        { "rrw",            OPT_ATTR_CLEAR,  MOUNT_ATTR_RDONLY },
        { "rnosuid",        OPT_ATTR_SET,    MOUNT_ATTR_NOSUID },
        { "rsuid",          OPT_ATTR_CLEAR,  MOUNT_ATTR_NOSUID },
        { "rnodev",         OPT_ATTR_SET,    MOUNT_ATTR_NODEV },
        { "rdev",           OPT_ATTR_CLEAR,  MOUNT_ATTR_NODEV },
        { "rnoexec",        OPT_ATTR_SET,    MOUNT_ATTR_NOEXEC },
        { "rexec",          OPT_ATTR_CLEAR,  MOUNT_ATTR_NOEXEC },
        { "rnodiratime",    OPT_ATTR_SET,    MOUNT_ATTR_NODIRATIME },
        { "rdiratime",      OPT_ATTR_CLEAR,  MOUNT_ATTR_NODIRATIME },
        { "rnosymfollow",   OPT_ATTR_SET,    MOUNT_ATTR_NOSYMFOLLOW },
        { "rsymfollow",     OPT_ATTR_CLEAR,  MOUNT_ATTR_NOSYMFOLLOW },
        /* The atime mode is one field in mount_setattr: the kernel wants the
         * whole field cleared and exactly one mode set.  The "no" forms
         * therefore pick the mode that remains: removing noatime or
         * strictatime falls back to the kernel default (relatime), removing
         * relatime means updating atime always (strictatime). */
        { "rrelatime",      OPT_ATIME,       MOUNT_ATTR_RELATIME },
        { "rnorelatime",    OPT_ATIME,       MOUNT_ATTR_STRICTATIME },
        { "rnoatime",       OPT_ATIME,       MOUNT_ATTR_NOATIME },
        { "ratime",         OPT_ATIME,       MOUNT_ATTR_RELATIME },
        { "rstrictatime",   OPT_ATIME,       MOUNT_ATTR_STRICTATIME },
        { "rnostrictatime", OPT_ATIME,       MOUNT_ATTR_RELATIME },

        /* Idmapped mounts (namespaces/idmapped_mount.c), never mount flags:
         * "idmap" maps the bind's top mount, "ridmap" its submounts too. */
        { "idmap",          OPT_IDMAP,       0 },
        { "ridmap",         OPT_RIDMAP,      0 },
        { "copy-symlink",   OPT_COPY_SYMLINK, 0 },
        /* crun's tmpcopyup copies the image's directory into a fresh tmpfs;
         * berth accepts it for compatibility but mounts the tmpfs empty. */
        { "tmpcopyup",      OPT_IGNORE,      0 },
};

const char *mount_option_known(size_t i)
{
        /* Skipped: what is accepted without being acted on (tmpcopyup). */
        for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++) {
                if (options[k].kind == OPT_IGNORE)
                        continue;
                if (i-- == 0)
                        return options[k].name;
        }
        return NULL;
}

static const struct option_def *option_lookup(const char *name)
{
        for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
                if (strcmp(options[i].name, name) == 0)
                        return &options[i];
        return NULL;
}

static void append_data(char **data, size_t *len, const char *opt)
{
        size_t n = strlen(opt);
        size_t sep = *len ? 1 : 0;
        *data = xrealloc(*data, *len + sep + n + 1);
        if (sep)
                (*data)[(*len)++] = ',';
        memcpy(*data + *len, opt, n + 1);
        *len += n;
}

static void apply_option(const struct option_def *def, struct mount_options *out)
{
        switch (def->kind) {
        case OPT_SET:
                out->flags |= def->value;
                out->clear &= ~def->value;
                break;
        case OPT_CLEAR:
                out->flags &= ~def->value;
                out->clear |= def->value;
                break;
        case OPT_PROPAGATION:
                /* The last one wins, as a later option overrides an earlier one. */
                out->propagation = def->value;
                break;
        case OPT_ATTR_SET:
                out->attr_set |= def->value;
                out->attr_clr &= ~(uint64_t) def->value;
                break;
        case OPT_ATTR_CLEAR:
                out->attr_set &= ~(uint64_t) def->value;
                out->attr_clr |= def->value;
                break;
        case OPT_ATIME:
                out->attr_set = (out->attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | def->value;
                out->attr_clr |= MOUNT_ATTR__ATIME;
                break;
        case OPT_BIND:
                out->bind = true;
                out->flags |= MS_BIND;
                break;
        case OPT_RBIND:
                out->bind = true;
                out->recursive_bind = true;
                out->flags |= MS_BIND | MS_REC;
                break;
        case OPT_IDMAP:
                out->idmap = true;
                break;
        case OPT_RIDMAP:
                out->idmap = true;
                out->recursive_idmap = true;
                break;
        case OPT_COPY_SYMLINK:
                out->copy_symlink = true;
                break;
        case OPT_IGNORE:
                break;
        }
}

int mount_options_parse(char *const *opts, struct mount_options *out, struct berth_error *err)
{
        *out = (struct mount_options) { 0 };
        size_t data_len = 0;
        for (char *const *o = opts; o && *o; o++) {
                if (**o == '\0')
                        continue;
                const struct option_def *def = option_lookup(*o);
                if (def)
                        apply_option(def, out);
                else
                        append_data(&out->data, &data_len, *o);
        }
        return 0;
}

void mount_options_release(struct mount_options *opts)
{
        free(opts->data);
        *opts = (struct mount_options) { 0 };
}

int mount_propagation_parse(const char *name, unsigned long *flags)
{
        const struct option_def *def = name ? option_lookup(name) : NULL;
        if (!def || def->kind != OPT_PROPAGATION)
                return -EINVAL;
        *flags = def->value;
        return 0;
}

/* Superblock flags by the names fsconfig knows them (fs/fs_context.c). */
static const struct { unsigned long ms; const char *name; } sb_flag_names[MOUNT_SB_FLAGS_MAX] = {
        { MS_RDONLY, "ro" },
        { MS_SYNCHRONOUS, "sync" },
        { MS_DIRSYNC, "dirsync" },
        { MS_LAZYTIME, "lazytime" },
};

/* Per-mount flags a new mount takes from fsmount's attributes. */
static const struct { unsigned long ms; uint64_t attr; } new_mount_attrs[] = {
        { MS_RDONLY, MOUNT_ATTR_RDONLY },
        { MS_NOSUID, MOUNT_ATTR_NOSUID },
        { MS_NODEV, MOUNT_ATTR_NODEV },
        { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
        { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
        { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
};

#define NEW_MOUNT_MS_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME | MS_NOSYMFOLLOW \
                            | MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_SYNCHRONOUS | MS_DIRSYNC \
                            | MS_LAZYTIME)

int mount_flags_for_fsmount(unsigned long flags, const char *sb_flags[MOUNT_SB_FLAGS_MAX + 1],
                            uint64_t *attr)
{
        if (flags & ~(unsigned long) NEW_MOUNT_MS_FLAGS)
                return -EOPNOTSUPP;
        size_t n = 0;
        for (size_t i = 0; i < MOUNT_SB_FLAGS_MAX; i++)
                if (flags & sb_flag_names[i].ms)
                        sb_flags[n++] = sb_flag_names[i].name;
        sb_flags[n] = NULL;
        *attr = 0;
        for (size_t i = 0; i < sizeof(new_mount_attrs) / sizeof(new_mount_attrs[0]); i++)
                if (flags & new_mount_attrs[i].ms)
                        *attr |= new_mount_attrs[i].attr;
        /* As mount(2): strictatime over noatime, else relatime (0). */
        if (flags & MS_STRICTATIME)
                *attr |= MOUNT_ATTR_STRICTATIME;
        else if (flags & MS_NOATIME)
                *attr |= MOUNT_ATTR_NOATIME;
        return 0;
}
