/* Unit tests for mount option parsing: mount(2) flags and what clears them,
 * propagation, recursive mount_setattr attributes and leftover fs data. */
#include <sys/mount.h>

#include "namespaces/mount_options.h"
#include "tests/unit/unit.h"

static struct mount_options parse(char *const *opts)
{
        struct mount_options o;
        struct berth_error err = { 0 };
        if (mount_options_parse(opts, &o, &err) < 0)
                FAIL("mount_options_parse: %s", err.msg);
        return o;
}

#define OPTS(...) ((char *[]) { __VA_ARGS__, NULL })

static void plain_options_set_ms_flags(void)
{
        struct mount_options o = parse(OPTS("nosuid", "nodev", "noexec", "ro", "relatime", "dirsync", "sync"));
        CHECK_UINT_EQ(o.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_RELATIME | MS_DIRSYNC
                               | MS_SYNCHRONOUS);
        CHECK_UINT_EQ(o.clear, 0);
        CHECK(!o.bind);
        CHECK_UINT_EQ(o.propagation, 0);
        CHECK_STR_EQ(o.data, NULL);
        mount_options_release(&o);
}

static void negative_options_record_what_to_clear(void)
{
        struct mount_options o = parse(OPTS("rw", "suid", "dev", "exec", "async", "atime", "nomand"));
        CHECK_UINT_EQ(o.flags, 0);
        CHECK_UINT_EQ(o.clear, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_NOATIME
                               | MS_MANDLOCK);
        mount_options_release(&o);
}

static void a_later_option_overrides_an_earlier_one(void)
{
        struct mount_options o = parse(OPTS("ro", "rw", "suid", "nosuid"));
        CHECK(!(o.flags & MS_RDONLY));
        CHECK(o.clear & MS_RDONLY);
        CHECK(o.flags & MS_NOSUID);
        CHECK(!(o.clear & MS_NOSUID));
        mount_options_release(&o);
}

static void bind_is_not_recursive_and_rbind_is(void)
{
        struct mount_options o = parse(OPTS("bind", "ro"));
        CHECK(o.bind);
        CHECK(!o.recursive_bind);
        CHECK_UINT_EQ(o.flags, MS_BIND | MS_RDONLY);
        mount_options_release(&o);

        o = parse(OPTS("rbind"));
        CHECK(o.bind);
        CHECK(o.recursive_bind);
        CHECK_UINT_EQ(o.flags, MS_BIND | MS_REC);
        mount_options_release(&o);
}

static void the_last_propagation_option_wins(void)
{
        struct mount_options o = parse(OPTS("rshared", "rprivate"));
        CHECK_UINT_EQ(o.propagation, MS_PRIVATE | MS_REC);
        CHECK_UINT_EQ(o.flags, 0);
        mount_options_release(&o);
}

static void propagation_names_parse_to_ms_flags(void)
{
        static const struct { const char *name; unsigned long flags; } cases[] = {
                { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
                { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
                { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
                { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                unsigned long flags = 0;
                CHECK_INT_EQ(mount_propagation_parse(cases[i].name, &flags), 0);
                CHECK_UINT_EQ(flags, cases[i].flags);
        }
}

static void propagation_parse_rejects_other_names(void)
{
        unsigned long flags = 0;
        CHECK_INT_EQ(mount_propagation_parse("ro", &flags), -EINVAL);
        CHECK_INT_EQ(mount_propagation_parse("bogus", &flags), -EINVAL);
        CHECK_INT_EQ(mount_propagation_parse("", &flags), -EINVAL);
}

static void recursive_options_become_mount_attributes(void)
{
        struct mount_options o = parse(OPTS("rro", "rnosuid", "rnodev", "rexec", "rnodiratime", "rnosymfollow"));
        CHECK_UINT_EQ(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                  | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW);
        CHECK_UINT_EQ(o.attr_clr, MOUNT_ATTR_NOEXEC);
        CHECK_UINT_EQ(o.flags, 0);
        mount_options_release(&o);

        o = parse(OPTS("rro", "rrw", "rsuid", "rdev", "rdiratime"));
        CHECK_UINT_EQ(o.attr_set, 0);
        CHECK_UINT_EQ(o.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NODIRATIME);
        mount_options_release(&o);
}

/* The kernel wants the whole atime field cleared and one mode set. */
static void recursive_atime_options_set_one_mode(void)
{
        static const struct { const char *name; uint64_t mode; } cases[] = {
                { "rnoatime", MOUNT_ATTR_NOATIME },         { "ratime", MOUNT_ATTR_RELATIME },
                { "rstrictatime", MOUNT_ATTR_STRICTATIME }, { "rnostrictatime", MOUNT_ATTR_RELATIME },
                { "rrelatime", MOUNT_ATTR_RELATIME },       { "rnorelatime", MOUNT_ATTR_STRICTATIME },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct mount_options o = parse(OPTS("rnoatime", (char *) cases[i].name));
                CHECK_UINT_EQ(o.attr_set & MOUNT_ATTR__ATIME, cases[i].mode);
                CHECK_UINT_EQ(o.attr_clr & MOUNT_ATTR__ATIME, MOUNT_ATTR__ATIME);
                mount_options_release(&o);
        }
}

static void unknown_options_become_data_joined_by_commas(void)
{
        struct mount_options o = parse(OPTS("nosuid", "size=65536k", "mode=755", "newinstance"));
        CHECK_STR_EQ(o.data, "size=65536k,mode=755,newinstance");
        CHECK_UINT_EQ(o.flags, MS_NOSUID);
        mount_options_release(&o);
        CHECK_STR_EQ(o.data, NULL);
}

static void tmpcopyup_defaults_and_empty_options_are_ignored(void)
{
        struct mount_options o = parse(OPTS("tmpcopyup", "defaults", "", "noexec"));
        CHECK_UINT_EQ(o.flags, MS_NOEXEC);
        CHECK_STR_EQ(o.data, NULL);
        mount_options_release(&o);
}

static void idmap_and_copy_symlink_are_recognised(void)
{
        struct mount_options o = parse(OPTS("idmap", "copy-symlink"));
        CHECK(o.idmap);
        CHECK(!o.recursive_idmap);
        CHECK(o.copy_symlink);
        CHECK_STR_EQ(o.data, NULL);
        mount_options_release(&o);

        o = parse(OPTS("ridmap"));
        CHECK(o.idmap);
        CHECK(o.recursive_idmap);
        CHECK_UINT_EQ(o.flags, 0);
        mount_options_release(&o);
}

static void no_options_parse_to_nothing(void)
{
        struct mount_options o = parse(NULL);
        CHECK_UINT_EQ(o.flags | o.clear | o.propagation | o.attr_set | o.attr_clr, 0);
        CHECK(!o.bind && !o.idmap && !o.copy_symlink);
        CHECK_STR_EQ(o.data, NULL);
        mount_options_release(&o);
}

/* A new filesystem mount through fsconfig and fsmount takes the flags as
 * mount(2) would set them on a new mount. */
static void new_mount_flags_become_superblock_names_and_attributes(void)
{
        const char *sb[MOUNT_SB_FLAGS_MAX + 1];
        uint64_t attr = 0;
        CHECK_INT_EQ(mount_flags_for_fsmount(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS
                                             | MS_DIRSYNC | MS_LAZYTIME | MS_NODIRATIME | MS_NOSYMFOLLOW,
                                             sb, &attr), 0);
        CHECK_STR_EQ(sb[0], "ro");
        CHECK_STR_EQ(sb[1], "sync");
        CHECK_STR_EQ(sb[2], "dirsync");
        CHECK_STR_EQ(sb[3], "lazytime");
        CHECK(sb[4] == NULL);
        CHECK_UINT_EQ(attr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC
                            | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_RELATIME);

        CHECK_INT_EQ(mount_flags_for_fsmount(0, sb, &attr), 0);
        CHECK(sb[0] == NULL);
        CHECK_UINT_EQ(attr, MOUNT_ATTR_RELATIME);
}

/* relatime unless noatime or strictatime; strictatime wins, as in mount(2). */
static void new_mount_atime_is_one_mode(void)
{
        const char *sb[MOUNT_SB_FLAGS_MAX + 1];
        uint64_t attr = 0;
        CHECK_INT_EQ(mount_flags_for_fsmount(MS_NOATIME, sb, &attr), 0);
        CHECK_UINT_EQ(attr, MOUNT_ATTR_NOATIME);
        CHECK_INT_EQ(mount_flags_for_fsmount(MS_NOATIME | MS_STRICTATIME, sb, &attr), 0);
        CHECK_UINT_EQ(attr, MOUNT_ATTR_STRICTATIME);
        CHECK_INT_EQ(mount_flags_for_fsmount(MS_RELATIME, sb, &attr), 0);
        CHECK_UINT_EQ(attr, MOUNT_ATTR_RELATIME);
}

/* Left to mount(2): fsconfig has no name for these. */
static void flags_only_mount_takes_are_refused_for_fsmount(void)
{
        const unsigned long flags[] = { MS_REMOUNT, MS_MANDLOCK, MS_SILENT, MS_I_VERSION, MS_BIND };
        for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
                const char *sb[MOUNT_SB_FLAGS_MAX + 1];
                uint64_t attr = 0;
                CHECK_INT_EQ(mount_flags_for_fsmount(flags[i] | MS_NOSUID, sb, &attr), -EOPNOTSUPP);
        }
}

int main(void)
{
        UNIT_RUN(plain_options_set_ms_flags);
        UNIT_RUN(negative_options_record_what_to_clear);
        UNIT_RUN(a_later_option_overrides_an_earlier_one);
        UNIT_RUN(bind_is_not_recursive_and_rbind_is);
        UNIT_RUN(the_last_propagation_option_wins);
        UNIT_RUN(propagation_names_parse_to_ms_flags);
        UNIT_RUN(propagation_parse_rejects_other_names);
        UNIT_RUN(recursive_options_become_mount_attributes);
        UNIT_RUN(recursive_atime_options_set_one_mode);
        UNIT_RUN(unknown_options_become_data_joined_by_commas);
        UNIT_RUN(tmpcopyup_defaults_and_empty_options_are_ignored);
        UNIT_RUN(idmap_and_copy_symlink_are_recognised);
        UNIT_RUN(no_options_parse_to_nothing);
        UNIT_RUN(new_mount_flags_become_superblock_names_and_attributes);
        UNIT_RUN(new_mount_atime_is_one_mode);
        UNIT_RUN(flags_only_mount_takes_are_refused_for_fsmount);
        return unit_done();
}
