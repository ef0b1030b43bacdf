#include "engine/revision/revision_errors.hpp"

#include "engine/util/errors.hpp"

namespace retort::engine {

namespace {

std::string substitute(std::string text, const std::string& key, const std::string& value) {
  for (size_t pos; (pos = text.find(key)) != std::string::npos;)
    text.replace(pos, key.size(), value);
  return text;
}

}  // namespace

void rethrowAsCommandError(const RevisionErrorTexts& texts) {
  try {
    throw;
  } catch (const RangeNotAncestorError& e) {
    std::string text = texts.ancestor.empty()
                           ? "Requested range %(start)s:%(end)s does not refer to "
                             "ancestor/descendant revisions along the same branch"
                           : texts.ancestor;
    text = substitute(text, "%(start)s", texts.start.empty() ? e.lower() : texts.start);
    text = substitute(text, "%(end)s", texts.end.empty() ? e.upper() : texts.end);
    throw CommandError(text);
  } catch (const MultipleHeads& e) {
    std::string text = texts.multipleHeads.empty()
                           ? "Multiple head revisions are present for given argument "
                             "'%(head_arg)s'; please specify a specific target revision, "
                             "'<branchname>@%(head_arg)s' to narrow to a specific head, or "
                             "'heads' for all heads"
                           : texts.multipleHeads;
    throw CommandError(
        substitute(text, "%(head_arg)s", texts.end.empty() ? e.argument() : texts.end));
  } catch (const ResolutionError& e) {
    throw CommandError("Can't locate revision identified by '" + e.argument() + "'");
  } catch (const RevisionError& e) {
    throw CommandError(e.what());
  }
}

}  // namespace retort::engine
