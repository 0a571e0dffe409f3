/* placeholder: being written (the attributes helper replaces this file). */
#include "runtime/attributes.h"

int attributes_validate(const struct oci_config *cfg, struct berth_error *err)
{
        (void) cfg;
        (void) err;
        return 0;
}

int attributes_apply(const struct oci_config *cfg, struct berth_error *err)
{
        (void) cfg;
        (void) err;
        return 0;
}

int attributes_apply_exec_labels(const struct oci_config *cfg, struct berth_error *err)
{
        (void) cfg;
        (void) err;
        return 0;
}
