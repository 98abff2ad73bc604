# 10-mini-container/oci.mk - the OCI front end and writer (config.json <->
# struct ctr_spec), one list for the two Makefiles that link it: this
# chapter's (minictr) and tests/ (unit/oci-config).
OCI_OBJS := spec.o oci_config.o oci_process.o oci_mounts.o oci_linux.o \
            oci_resources.o oci_seccomp.o oci_json.o oci_values.o \
            oci_tables.o oci_write.o oci_write_linux.o oci_features.o
