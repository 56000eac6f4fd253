// Anchor so the support library is never empty.
namespace odin::test {
int support_anchor = 0;
}  // namespace odin::test
