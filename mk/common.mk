# mk/common.mk - rules every ctlab Makefile includes.
#
# A chapter Makefile sets TOP (the repository root, relative) and PROGS, and
# per program NAME_OBJS and optionally NAME_LIBS, then includes this file.
# INCLUDES adds -I flags for headers of another chapter it links.
#   V=1         show the full compiler command lines
#   WERROR=1    turn warnings into errors (CI)
#   SANITIZE=1  AddressSanitizer + UndefinedBehaviorSanitizer build

CC      ?= cc
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Wimplicit-fallthrough
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 $(WARN) -I$(TOP)/lib -MMD -MP
ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIBCTLAB := $(TOP)/lib/libctlab.a

# Rebuild everything when the flags change (say, after SANITIZE=1), without
# a `make clean`: objects depend on a file that holds the flags.
FLAGS_FILE := $(TOP)/.build-flags
FLAGS_NOW  := $(CC) $(CFLAGS) $(LDFLAGS)
ifneq ($(FLAGS_NOW),$(shell cat $(FLAGS_FILE) 2>/dev/null))
$(shell echo '$(FLAGS_NOW)' > $(FLAGS_FILE))
endif

CFLAGS += $(INCLUDES) # after the flags file: per folder, not a switch

all: $(PROGS)

%.o: %.c $(FLAGS_FILE)
	@$(if $(Q),echo "  CC      $(CURDIR:$(abspath $(TOP))/%=%)/$@")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# The shared helper library is built by its own Makefile.
$(LIBCTLAB): FORCE
	$(Q)$(MAKE) --no-print-directory -C $(TOP)/lib

.SECONDEXPANSION:
$(PROGS): $$($$@_OBJS) $(LIBCTLAB)
	@$(if $(Q),echo "  LINK    $(CURDIR:$(abspath $(TOP))/%=%)/$@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $($@_OBJS) $(LIBCTLAB) $($@_LIBS)

clean:
	$(Q)rm -f $(PROGS) *.o *.d $(EXTRA_CLEAN)

FORCE:
.PHONY: all clean FORCE

-include $(wildcard *.d */*.d)
