import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** Unknown fields are refused, and the first message names the field path (`params.cpu`). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const [field, message] = firstProblem(errors);
      return new BadRequestException({ message, field });
    },
  });
}

function firstProblem(errors: ValidationError[], prefix = ''): [string, string] {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      const [first] = Object.values(error.constraints);
      return [path, first.includes(error.property) ? first.replace(error.property, path) : `${path}: ${first}`];
    }
    if (error.children?.length) return firstProblem(error.children, path);
  }
  return ['body', 'The request is not valid'];
}
