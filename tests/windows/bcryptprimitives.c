/* Test-only stand-in for Windows' bcryptprimitives.dll, for running Fedshare's Windows build
 * under Wine 8 (Debian 12), whose own bcryptprimitives.dll lacks ProcessPrng. Rust's standard
 * library imports ProcessPrng for its random numbers (HashMap keys and the like); every
 * supported Windows (10, 11, Server 2016 and later) has it, so this file is never shipped: the
 * Wine tests (tests/windows/wine-walkthrough.sh) build it and place it next to the .exe only.
 *
 * ProcessPrng fills the buffer from the system's CSPRNG; so does RtlGenRandom
 * (SystemFunction036 in advapi32), which Wine implements. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
