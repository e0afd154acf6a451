// libqrencode (Debian: libqrencode-dev, pkg-config name "libqrencode").
#include <qrencode.h>
