/* doctor/checks.h - `make doctor` and `minictr doctor`: which kernel
 * features the labs need are usable here, each found by trying it. */
#ifndef CTLAB_CHECKS_H
#define CTLAB_CHECKS_H

/* Print one OK/WARN/FAIL line per item; return the number of FAILs. */
int doctor_run(void);

#endif
