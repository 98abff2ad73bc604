/* 07-overlay/layer.h - unpack image layers into directories, for ovl
 * apply-layer. */
#ifndef CTLAB_LAYER_H
#define CTLAB_LAYER_H

/* Unpack an image layer (tar, optionally gzip) into DIR. ".wh.NAME"
 * members become whiteouts (0/0 character devices) for NAME, and
 * ".wh..wh..opq" makes its directory opaque. The whole archive is
 * checked first: a member with "..", an absolute path, or a path through
 * a symlink makes it refuse, and nothing is written. */
int layer_apply(const char *archive_path, const char *dir, int userxattr);

#endif
