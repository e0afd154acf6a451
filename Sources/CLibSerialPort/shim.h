// libserialport (Debian: libserialport-dev, pkg-config name "libserialport").
#include <libserialport.h>
